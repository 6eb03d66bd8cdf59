/**
 * k6's `--out json` stream, read as k6 writes it, into the node engine's
 * MetricStore and per-second Timeline: every http_req_duration sample (with
 * its phase, stage, status and expected_response tags) becomes the node
 * engine's http_reqs / http_req_failed / http_req_duration triple, checks,
 * iterations, dropped_iterations and vus follow. The stream is hostile input
 * with bounded memory: a line longer than the cap is dropped unread, a line
 * that is not k6's JSON, or a last line cut short (k6 crashed mid-write), is
 * a fault of the engine, kept as the first StreamFault and named by the
 * caller as 107; it is never evidence against the target.
 *
 * Only the metrics golive uses are parsed: each line's metric name is read
 * from its first bytes (k6 v0.57 and v1 both write `{"metric":"NAME",...}`),
 * so the eleven of k6's thirteen lines per request golive does not use cost a
 * scan of their first bytes, not a parse. A chunk's whole lines are decoded
 * once, as latin1, and read by offsets (k6-json-line.ts).
 */
import { BUILTIN_METRICS, MetricStore } from '../../core/metrics.js';
import type { MetricInfo, Tags } from '../../core/metrics.js';
import { Timeline } from '../../core/timeline.js';
import { PHASES } from '../../core/result.js';
import type { PhaseName } from '../../core/result.js';
import { FailureTally } from '../../net/failures.js';
import { lineMetric, PointParser } from './k6-json-line.js';
import type { Point } from './k6-json-line.js';
import { CONTRACT_TAP_METRICS, K6ContractTap } from './contract-tap.js';

export type StreamFault =
  | { kind: 'malformed'; line: number; detail: string }
  | { kind: 'overlong'; line: number; detail: string }
  | { kind: 'truncated'; line: number; detail: string };

/** 64 KiB: k6's longest line is a Metric declaration with its thresholds, well under 4 KiB. */
export const MAX_LINE_BYTES = 64 * 1024;
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
const NL = 10;

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

export class K6SampleStream {
  /** the store filled from the stream; its timeline is on k6's clock (each sample's own time) */
  readonly store: MetricStore;
  /** the first fault; later ones are counted only */
  fault: StreamFault | undefined;
  faults = 0;
  /** HTTP samples recorded */
  requests = 0;
  /** failed requests by phase and cause (k6's error text, else the status), as the node engine lists them */
  readonly failures = new FailureTally();
  /** what k6 reported of the API's contract beyond its samples */
  readonly contract = new K6ContractTap();
  private readonly causes = new Set<string>();
  private sampleMs = 0;
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private skipping = false;
  private lineNo = 0;
  private readonly http = new Map<string, (ms: number) => void>();
  private readonly listeners: (() => void)[] = [];

  /** the metric names read, each mapped to itself: a line's name is looked up, never kept */
  private readonly used: Map<string, string>;
  private readonly lengths: Set<number>;
  private readonly parser = new PointParser();
  /** bound recorders of the non-HTTP metrics, by name and tag text */
  private readonly others = new Map<string, (v: number) => void>();

  /** `extra`: metric names thresholds select beyond the node engine's (http_req_waiting, ...) */
  constructor(extra: readonly string[] = [], private readonly maxLineBytes = MAX_LINE_BYTES) {
    this.store = new MetricStore(new Timeline(() => this.sampleMs));
    const used = [...USED, ...extra.filter((m) => OPTIONAL[m] !== undefined)];
    this.used = new Map(used.map((m) => [m, m]));
    this.lengths = new Set(used.map((m) => m.length));
  }

  /** Called after every chunk that added HTTP samples (abortOnFail judges there). */
  onSamples(fn: () => void): void {
    this.listeners.push(fn);
  }

  write(chunk: Buffer): void {
    const before = this.requests;
    let start = 0;
    if (this.partialBytes > 0 || this.skipping) {
      // the end of the line the last chunk began
      const nl = chunk.indexOf(NL);
      if (nl !== -1) {
        const tail = chunk.subarray(0, nl);
        if (!this.skipping && this.partialBytes + tail.length <= this.maxLineBytes) {
          const whole = Buffer.concat([...this.partial, tail]);
          this.lines(whole, 0, whole.length + 1);
        } else this.overlong();
        this.partial = [];
        this.partialBytes = 0;
        this.skipping = false;
        start = nl + 1;
      }
      // no newline: the whole chunk is more of that line (below)
    }
    const last = chunk.lastIndexOf(NL);
    if (last >= start) {
      this.lines(chunk, start, last + 1);
      start = last + 1;
    }
    if (start < chunk.length && !this.skipping) {
      const rest = chunk.subarray(start);
      if (this.partialBytes + rest.length > this.maxLineBytes) {
        // An endless line: drop what we hold and skip to its end.
        this.partial = [];
        this.partialBytes = 0;
        this.skipping = true;
      } else {
        // Copied: the caller may reuse its buffer.
        this.partial.push(Buffer.from(rest));
        this.partialBytes += rest.length;
      }
    }
    if (this.requests !== before) for (const fn of this.listeners) fn();
  }

  /** The stream ended: a line without its newline is k6 cut short mid-write. */
  end(): void {
    if (this.partialBytes > 0 || this.skipping) {
      this.lineNo++;
      this.note({ kind: 'truncated', line: this.lineNo, detail: `the stream ended inside line ${this.lineNo} (k6 stopped mid-write)` });
    }
    this.partial = [];
    this.partialBytes = 0;
    this.skipping = false;
  }

  private note(f: StreamFault): void {
    this.faults++;
    this.fault ??= f;
  }

  private overlong(): void {
    this.lineNo++;
    this.note({ kind: 'overlong', line: this.lineNo, detail: `line ${this.lineNo} is longer than ${this.maxLineBytes} bytes` });
  }

  /** The lines of buf[from..to), each ended by its newline (a line's own end when `to` is one past buf). */
  private lines(buf: Buffer, from: number, to: number): void {
    // One latin1 string per chunk: its offsets are the bytes' (k6-json-line.ts)
    const text = buf.toString('latin1', from, Math.min(to, buf.length));
    const end = to - from;
    for (let s = 0; s < end;) {
      let nl = text.indexOf('\n', s);
      if (nl === -1) nl = end - 1;
      if (nl - s > this.maxLineBytes) this.overlong();
      else this.line(text, s, nl, buf, from);
      s = nl + 1;
    }
  }

  private line(text: string, s: number, e: number, buf: Buffer, base: number): void {
    this.lineNo++;
    if (e === s) return;
    const name = lineMetric(text, s, e, this.used, this.lengths);
    if (name === undefined) {
      this.note({ kind: 'malformed', line: this.lineNo, detail: `line ${this.lineNo} is not a k6 JSON sample` });
      return;
    }
    // '' a Metric declaration, '-' a metric golive does not use: neither is parsed.
    if (name === '' || name === '-') return;
    const p = this.parser.parse(name, text, s, e, buf, base);
    if (typeof p === 'string') {
      this.note({ kind: 'malformed', line: this.lineNo, detail: `line ${this.lineNo} (${name}) is ${p}` });
      return;
    }
    this.point(name, p);
  }

  private point(name: string, p: Point): void {
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
      if (this.others.size >= MAX_SERIES) {
        this.note({ kind: 'malformed', line: this.lineNo, detail: `more than ${MAX_SERIES} distinct series in k6's stream` });
        return;
      }
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
      if (this.http.size >= MAX_SERIES) {
        this.note({ kind: 'malformed', line: this.lineNo, detail: `more than ${MAX_SERIES} distinct request tag sets in k6's stream` });
        return;
      }
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
