/**
 * k6's parsed samples (k6-json-line.ts's Points) into the node engine's
 * MetricStore and per-second Timeline: every http_req_duration sample (with
 * its phase, stage, status and expected_response tags) becomes the node
 * engine's http_reqs / http_req_failed / http_req_duration triple, checks,
 * iterations, dropped_iterations and vus follow. The stream is hostile input:
 * series and failure causes are capped, and a tag that is not a string is
 * dropped. Reading the stream's lines is sample-stream.ts's job.
 */
import { BUILTIN_METRICS, MetricStore } from '../../core/metrics.js';
import type { MetricInfo, Tags } from '../../core/metrics.js';
import { Timeline } from '../../core/timeline.js';
import { PHASES } from '../../core/result.js';
import type { PhaseName } from '../../core/result.js';
import { FailureTally } from '../../net/failures.js';
import type { Point } from './k6-json-line.js';
import { CONTRACT_TAP_METRICS, K6ContractTap } from './contract-tap.js';

/** distinct tag sets the store keeps from the stream; beyond it, a fault, not unbounded maps */
const MAX_SERIES = 10_000;
/** distinct failure causes kept by name; the rest are counted as one */
const MAX_CAUSES = 200;

const USED = ['http_req_duration', 'checks', 'checks_degraded', 'iterations', 'dropped_iterations', 'vus', 'vus_max', 'openapi_conformance', ...CONTRACT_TAP_METRICS];
/** an openapi_conformance sample's tags, as the node engine puts them */
const CONFORMANCE_TAGS = ['phase', 'name', 'method', 'status'] as const;
const HTTP_TAGS = ['phase', 'scenario', 'name', 'method', 'check', 'group', 'stage', 'status', 'expected_response'] as const;
/** a declared check's own tags, as the node engine puts them on its `checks` samples */
const CHECK_TAGS = ['phase', 'check', 'group'] as const;
/** k6's metrics golive records only when a threshold names them (preflight allows them under k6). */
const TIMING: MetricInfo = { type: 'trend', contains: 'time' };
const OPTIONAL: Readonly<Record<string, MetricInfo>> = {
  http_req_blocked: TIMING, http_req_connecting: TIMING, http_req_tls_handshaking: TIMING, http_req_sending: TIMING,
  http_req_waiting: TIMING, http_req_receiving: TIMING, iteration_duration: TIMING,
  data_received: { type: 'counter', contains: 'data' }, data_sent: { type: 'counter', contains: 'data' },
};

/** The metric names golive reads from the stream; `extra`: those thresholds select beyond the node engine's (http_req_waiting, ...). */
export const usedMetrics = (extra: readonly string[]): string[] => [...USED, ...extra.filter((m) => OPTIONAL[m] !== undefined)];

/** The tags the node engine puts on an HTTP sample, in its order, from k6's. */
const httpTags = (t: Readonly<Record<string, string>>): Tags => pick(t, HTTP_TAGS);

/**
 * k6's own `group` tag is the group path (`::health`); a declared check's
 * group (letters, digits, `_ . -`) replaces it on its samples. Only that one
 * is kept, so the runbook phases' series carry the node engine's tags.
 */
const isOwnGroup = (v: string): boolean => v !== '' && !v.startsWith('::');

function pick(t: Readonly<Record<string, string>>, keys: readonly string[]): Tags {
  // k6 tags are strings; anything else in a hostile stream is dropped
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = t[k];
    if (typeof v === 'string' && (k !== 'group' || isOwnGroup(v))) out[k] = v;
  }
  return out;
}

export class K6PointRecorder {
  /** the store filled from the stream; its timeline is on k6's clock (each sample's own time) */
  readonly store: MetricStore;
  /** HTTP samples recorded */
  requests = 0;
  /** failed requests by phase and cause (k6's error text, else the status), as the node engine lists them */
  readonly failures = new FailureTally();
  /** what k6 reported of the API's contract beyond its samples */
  readonly contract = new K6ContractTap();
  private readonly causes = new Set<string>();
  private sampleMs = 0;
  private readonly http = new Map<string, (ms: number) => void>();
  /** bound recorders of the non-HTTP metrics, by name and tag text */
  private readonly others = new Map<string, (v: number) => void>();

  /** `fault`: a cap was reached (the stream names the line) */
  constructor(private readonly fault: (detail: string) => void) {
    this.store = new MetricStore(new Timeline(() => this.sampleMs));
  }

  /** One sample of a metric usedMetrics() named. */
  point(name: string, p: Point): void {
    this.sampleMs = p.time;
    if (name === 'http_req_duration') return this.httpSample(p);
    if (name === 'checks') return this.add(name, p, p.value === 0 ? 0 : 1, CHECK_TAGS);
    if (name === 'checks_degraded') return this.add(name, p, p.value, CHECK_TAGS);
    if (name === 'openapi_conformance') return this.add(name, p, p.value === 0 ? 0 : 1, CONFORMANCE_TAGS);
    if (CONTRACT_TAP_METRICS.includes(name)) return this.contract.take(name, p.value, p.tags);
    if (name === 'vus' || name === 'vus_max') return this.add(name, p, p.value, []);
    const optional = OPTIONAL[name];
    if (optional !== undefined) return this.add(name, p, p.value, HTTP_TAGS, optional);
    // Iterations of the load scenario carry its tags (phase, scenario); setup() has none. k6's
    // executor drops arrivals outside any VU, tagged with the scenario's name only: golive.ts's
    // scenario `load` is the load phase.
    const tags = name === 'dropped_iterations' && p.tags['phase'] === undefined && p.tags['scenario'] === 'load'
      ? { ...p.tags, phase: 'load' } : p.tags;
    if (tags['phase'] === undefined) return;
    this.add(name, { ...p, tags }, p.value, ['phase', 'scenario', 'stage']);
  }

  private add(name: string, p: Point, value: number, keys: readonly string[], info: MetricInfo | undefined = BUILTIN_METRICS[name]): void {
    const key = `${name}\u0000${p.tagsKey}`;
    let rec = this.others.get(key);
    if (rec === undefined) {
      if (this.others.size >= MAX_SERIES) return this.fault(`more than ${MAX_SERIES} distinct series in k6's stream`);
      rec = this.store.recorder(name, pick(p.tags, keys), info);
      this.others.set(key, rec);
    }
    rec(value);
  }

  private failure(t: Readonly<Record<string, string>>): void {
    const phase = t['phase'];
    if (phase === undefined || !(PHASES as readonly string[]).includes(phase)) return;
    const raw = typeof t['error'] === 'string' && t['error'] !== '' ? t['error'] : `status ${t['status'] ?? '0'}`;
    const key = `${phase}\u0000${raw}`;
    if (!this.causes.has(key) && this.causes.size >= MAX_CAUSES) return this.failures.add(phase as PhaseName, 'other causes');
    this.causes.add(key);
    this.failures.add(phase as PhaseName, raw);
  }

  private httpSample(p: Point): void {
    const t = p.tags;
    let rec = this.http.get(p.tagsKey);
    if (rec === undefined) {
      if (this.http.size >= MAX_SERIES) return this.fault(`more than ${MAX_SERIES} distinct request tag sets in k6's stream`);
      const tags = httpTags(t);
      const reqs = this.store.recorder('http_reqs', tags);
      const failed = this.store.recorder('http_req_failed', tags);
      const dur = this.store.recorder('http_req_duration', tags);
      const flag = tags['expected_response'] === 'true' ? 0 : 1;
      rec = (ms) => { reqs(1); failed(flag); dur(ms); };
      this.http.set(p.tagsKey, rec);
    }
    this.requests++;
    rec(p.value);
    if (t['expected_response'] === 'false') this.failure(t);
  }
}
