/**
 * Pure: saturation samples (each check's instant-query result before, every
 * interval during, and after the load) -> one verdict per check. A check fails
 * on its WORST sample: the series furthest past the limit, named by pod and
 * container with its value and when it was seen.
 */
import { compareValue } from './queries.js';
import type { CompareOp, SaturationCheck } from './queries.js';

export interface SeriesValue { labels: Record<string, string>; value: number }
export type QueryResult = { ok: true; rows: SeriesValue[] } | { ok: false; error: string };
export type SampleWhen = 'before' | 'during' | 'after' | 'check';

export interface SaturationSample {
  /** epoch ms */
  atMs: number;
  when: SampleWhen;
  /** one per check, in the checks' order */
  results: QueryResult[];
}

export interface SaturationVerdict {
  name: string;
  ok: boolean;
  reason?: string;
}

const WHEN: Record<SampleWhen, string> = { before: 'before the load', during: 'during the load', after: 'after the load', check: '(no load in this run)' };

/** Label values come from Prometheus: no control characters, bounded length. */
function clean(s: string, max = 120): string {
  const t = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

export function describeSeries(labels: Record<string, string>): string {
  const parts: string[] = [];
  if (labels.pod) parts.push(`pod ${clean(labels.pod)}`);
  if (labels.container) parts.push(`container ${clean(labels.container)}`);
  if (parts.length > 0) return parts.join(' ');
  const rest = Object.entries(labels).filter(([k]) => k !== '__name__').map(([k, v]) => `${clean(k, 40)}=${clean(v, 60)}`);
  return rest.length > 0 ? `{${rest.join(',')}}`.slice(0, 200) : 'the series';
}

function show(v: number, percent: boolean): string {
  if (!Number.isFinite(v)) return String(v);
  return percent ? `${(v * 100).toFixed(1)}%` : String(Number(v.toPrecision(4)));
}

/** How far past the limit a failing value is, in the operator's direction. */
function excess(v: number, op: CompareOp, want: number): number {
  if (op === '<' || op === '<=') return v - want;
  if (op === '>' || op === '>=') return want - v;
  return Math.abs(v - want);
}

interface Failure { row: SeriesValue; sample: SaturationSample }

function judgeOne(check: SaturationCheck, index: number, samples: readonly SaturationSample[]): SaturationVerdict {
  const answered = samples.filter((s) => s.results[index]?.ok === true);
  if (answered.length === 0) {
    const err = samples.map((s) => s.results[index]).find((r) => r !== undefined && !r.ok);
    return { name: check.name, ok: false, reason: `query failed: ${err && !err.ok ? err.error : 'no sample was taken'}` };
  }
  let worst: Failure | undefined;
  const failing = new Set<string>();
  let series = 0;
  for (const sample of answered) {
    const r = sample.results[index];
    if (!r?.ok) continue;
    for (const row of r.rows) {
      // NaN (0/0: no usage and no limit) is not evidence either way.
      if (Number.isNaN(row.value)) continue;
      series++;
      if (compareValue(row.value, check.op, check.value)) continue;
      failing.add(JSON.stringify(row.labels));
      if (!worst || excess(row.value, check.op, check.value) > excess(worst.row.value, check.op, check.value)) worst = { row, sample };
    }
  }
  if (!worst) {
    if (series === 0 && !check.emptyOk) {
      return { name: check.name, ok: false, reason: `no data: the query returned no series in ${answered.length} sample(s) (are kube-state-metrics and cAdvisor scraped? is the namespace right?)` };
    }
    return { name: check.name, ok: true };
  }
  const at = new Date(worst.sample.atMs).toISOString().slice(11, 19);
  const more = failing.size > 1 ? `; ${failing.size - 1} more series failed` : '';
  const want = `${check.op}${show(check.value, check.percent)}`;
  return {
    name: check.name,
    ok: false,
    reason: `${describeSeries(worst.row.labels)}: ${show(worst.row.value, check.percent)}, wanted ${want}, at ${at}Z ${WHEN[worst.sample.when]}${more}`,
  };
}

export function judgeSaturation(checks: readonly SaturationCheck[], samples: readonly SaturationSample[]): SaturationVerdict[] {
  return checks.map((c, i) => judgeOne(c, i, samples));
}
