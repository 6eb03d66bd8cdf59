/**
 * A launch's history in golive's own series names, as Prometheus would have
 * scraped them from the Pushgateway (the last run's group, every minute), as
 * OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`; and a
 * real Prometheus started on the blocks, with golive's real rule file.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireBinary, startPrometheus, type Server } from './prometheus.js';

export const RULES = join(import.meta.dirname, '..', '..', 'k8s', 'monitoring', 'golive-rules.yaml');

export interface History {
  /** epoch s, a whole minute */
  startS: number;
  hours: number;
  /** hour indices whose run failed its health phase (load and market-data then not run) */
  healthFailHours?: readonly number[];
  /** hour indices with no run at all (the CronJob missed them) */
  missedHours?: readonly number[];
  /** load p95 (s) per hour index; default 0.21 */
  p95?: (hour: number) => number;
  criticalAlert?: { name: string; fromS: number; toS: number };
  /** a capacity run (its own Pushgateway job) at this hour index + 30 min, 2x stage held or not */
  capacity?: { hour: number; ok: boolean };
  environment?: string;
}

interface Run { finishedS: number; health: boolean; p95: number }

const STEP = 60;
const RUN_OFFSET_S = 45;

function label(labels: Record<string, string>): string {
  const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return `{${Object.entries(labels).map(([k, v]) => `${k}="${esc(v)}"`).join(',')}}`;
}

/** Pure: the OpenMetrics text of a history (one family after another, samples in time order). */
export function openMetrics(h: History): string {
  const env = h.environment ?? 'prod';
  const base = { job: 'golive', environment: env, instance: 'pushgateway:9091' };
  // The runs from an hour before the window, so its first minutes have a verdict on show.
  const runs: Run[] = [];
  for (let i = -1; i < h.hours; i++) {
    if (h.missedHours?.includes(i)) continue;
    runs.push({ finishedS: h.startS + i * 3600 + RUN_OFFSET_S, health: !h.healthFailHours?.includes(i), p95: h.p95?.(i) ?? 0.21 });
  }
  const families = new Map<string, string[]>();
  const add = (name: string, labels: Record<string, string>, v: number, t: number) => {
    const lines = families.get(name) ?? [];
    lines.push(`${name}${label(labels)} ${v} ${t}`);
    families.set(name, lines);
  };
  const endS = h.startS + h.hours * 3600;
  // One series at a time: promtool wants each series' samples in order.
  const series: [string, Record<string, string>, (r: Run) => number | undefined][] = [
    ['golive_run_timestamp_seconds', base, (r) => r.finishedS],
    ['golive_run_success', base, (r) => (r.health ? 1 : 0)],
    ['golive_check_success', { ...base, phase: 'health' }, (r) => (r.health ? 1 : 0)],
    ['golive_check_success', { ...base, phase: 'market-data' }, (r) => (r.health ? 1 : undefined)],
    ['golive_check_success', { ...base, phase: 'load' }, (r) => (r.health ? 1 : undefined)],
    ['golive_http_req_duration_p95_seconds', { ...base, phase: 'load' }, (r) => (r.health ? r.p95 : undefined)],
    ['golive_http_req_failed_rate', { ...base, phase: 'load' }, (r) => (r.health ? 0.001 : undefined)],
  ];
  for (const [name, labels, value] of series) {
    let i = 0;
    for (let t = h.startS - 3600 + STEP; t <= endS; t += STEP) {
      while (i + 1 < runs.length && (runs[i + 1]?.finishedS ?? Infinity) <= t) i++;
      const r = runs[i];
      if (!r || r.finishedS > t) continue;
      const v = value(r);
      if (v !== undefined) add(name, labels, v, t);
    }
  }
  if (h.capacity) {
    const at = h.startS + h.capacity.hour * 3600 + 1800;
    const cap = { job: 'golive-capacity', environment: env, instance: 'pushgateway:9091' };
    for (let t = at; t <= endS; t += STEP) {
      add('golive_threshold_success', { ...cap, metric: 'http_req_duration{stage:2x}', threshold: 'p(95)<500' }, h.capacity.ok ? 1 : 0, t);
    }
    for (let t = at; t <= endS; t += STEP) add('golive_threshold_success', { ...cap, metric: 'http_req_failed{stage:2x}', threshold: 'rate<0.01' }, 1, t);
  }
  if (h.criticalAlert) {
    const a = h.criticalAlert;
    for (let t = a.fromS; t <= a.toS; t += STEP) {
      add('ALERTS', { alertname: a.name, alertstate: 'firing', severity: 'critical', source: 'golive', job: 'golive', environment: env }, 1, t);
    }
  }
  const out: string[] = [];
  for (const [name, lines] of families) out.push(`# TYPE ${name} gauge`, ...lines);
  return `${out.join('\n')}\n# EOF\n`;
}

/** Blocks from the histories into `dir`/data, by the real promtool. */
export function backfill(histories: readonly History[], dir: string): void {
  const file = join(dir, 'history.om');
  writeFileSync(file, mergeOpenMetrics(histories.map(openMetrics)));
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true });
  const r = spawnSync(requireBinary('promtool'), ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=24h', file, data], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`promtool tsdb create-blocks-from openmetrics failed: ${`${r.stdout}${r.stderr}`.slice(-2000)}`);
}

/** Several histories in one file: OpenMetrics wants each family once, so their samples are joined. */
function mergeOpenMetrics(texts: readonly string[]): string {
  const families = new Map<string, string[]>();
  for (const t of texts) {
    let cur: string[] | undefined;
    for (const line of t.split('\n')) {
      const m = /^# TYPE (\S+) gauge$/.exec(line);
      if (m?.[1]) { cur = families.get(m[1]) ?? []; families.set(m[1], cur); } else if (line && !line.startsWith('#')) cur?.push(line);
    }
  }
  return `${[...families].flatMap(([name, lines]) => [`# TYPE ${name} gauge`, ...lines]).join('\n')}\n# EOF\n`;
}

/** A real Prometheus serving the histories, with golive's rule file loaded. */
export function startWithHistory(histories: readonly History[]): Promise<Server> {
  return startPrometheus({ ruleFiles: [RULES], scrapeSelf: false, prepare: (dir) => backfill(histories, dir) });
}
