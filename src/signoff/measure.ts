/**
 * Pure helpers of the evaluators: values to text, range answers to hour
 * buckets, the worst bucket, and what an unevaluable criterion looks like.
 */
import { compareValue, type CompareOp } from '../phases/saturation/queries.js';
import { removeControlChars } from '../reporters/text.js';
import type { SeriesRows } from './prom.js';
import type { CriterionResult, CriterionStatus, Point, Unit, UnknownCause } from './types.js';
import { iso, type SignoffWindow } from './window.js';

export const MAX_LISTED = 20;

export function fmtValue(v: number | null, unit: Unit): string {
  if (v === null || Number.isNaN(v)) return 'no data';
  if (!Number.isFinite(v)) return String(v);
  switch (unit) {
    // Two decimals, three just under 100 % so 99.996 % does not read as 100.00 %.
    case 'ratio': return `${(v * 100).toFixed(v > 0.9999 && v < 1 ? 3 : 2)} %`;
    case 'seconds': return v < 1 ? `${Math.round(v * 1000)} ms` : `${Number(v.toPrecision(4))} s`;
    case 'count': return String(Math.round(v));
    case 'number': return String(Number(v.toPrecision(4)));
  }
}

const OP_TEXT: Readonly<Record<CompareOp, string>> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥', '==': '=', '!=': '≠' };

export function fmtTarget(op: CompareOp, value: number, unit: Unit): string {
  return `${OP_TEXT[op]} ${fmtValue(value, unit)}`;
}

/** How far toward failing (or past it) a value is, in the operator's direction: larger is worse. */
function badness(v: number, op: CompareOp, want: number): number {
  if (op === '<' || op === '<=') return v - want;
  if (op === '>' || op === '>=') return want - v;
  return op === '==' ? Math.abs(v - want) : -Math.abs(v - want);
}

/** Of several values, the one furthest in the failing direction. */
export function worstOf(values: readonly number[], op: CompareOp, want: number): number | null {
  let worst: number | null = null;
  for (const v of values) if (!Number.isNaN(v) && (worst === null || badness(v, op, want) > badness(worst, op, want))) worst = v;
  return worst;
}

export function judge(v: number | null, op: CompareOp, want: number): CriterionStatus {
  if (v === null) return 'unknown';
  return compareValue(v, op, want) ? 'passed' : 'failed';
}

/** One point per bucket end; several series (a user query by pod) give their worst. */
export function buckets(series: readonly SeriesRows[], ends: readonly number[], op: CompareOp, want: number): Point[] {
  return ends.map((t) => {
    const vs = series.flatMap((s) => s.points.filter(([pt]) => pt === t).map(([, v]) => v));
    return { t: t * 1000, v: worstOf(vs, op, want) };
  });
}

export function worstBucket(points: readonly Point[], op: CompareOp, want: number): Point | undefined {
  let worst: Point | undefined;
  for (const p of points) {
    if (p.v === null) continue;
    if (!worst || worst.v === null || badness(p.v, op, want) > badness(worst.v, op, want)) worst = p;
  }
  return worst;
}

/** A bucket as people read it: the hour `14:00Z–15:00Z` ending at `t`. */
export function bucketLabel(endMs: number, sizeS: number): string {
  return `${iso(endMs / 1000 - sizeS)} – ${iso(endMs / 1000)}`;
}

/** Label values come from Prometheus: no control characters, bounded. */
export function cleanLabel(s: string, max = 120): string {
  const t = removeControlChars(s).replace(/[\r\n\t]+/g, ' ');
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

export function describeLabels(labels: Readonly<Record<string, string>>, skip: readonly string[] = []): string {
  const parts = Object.entries(labels).filter(([k]) => k !== '__name__' && !skip.includes(k)).sort(([a], [b]) => a.localeCompare(b))
    .slice(0, 8).map(([k, v]) => `${cleanLabel(k, 40)}="${cleanLabel(v, 80)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

export function capList(lines: readonly string[]): string[] {
  return lines.length <= MAX_LISTED ? [...lines] : [...lines.slice(0, MAX_LISTED), `… and ${lines.length - MAX_LISTED} more`];
}

/** The step of the fine-grained range queries: a minute, or coarser so a series stays under 11,000 points. */
export function fineStep(w: SignoffWindow): number {
  return Math.max(60, Math.ceil((w.end - w.start) / 10_000 / 60) * 60);
}

export type Base = Pick<CriterionResult, 'id' | 'name' | 'target' | 'unit'> & { limit?: number };

export function unknownResult(base: Base, cause: UnknownCause, why: string, queries: string[]): CriterionResult {
  return { ...base, status: 'unknown', unknownCause: cause, measured: cleanLabel(why, 300), value: null, evidence: { queries, failures: [] }, series: [] };
}

/** Distinct values of a range answer, in time order, with when each was first seen. */
export function distinctValues(series: readonly SeriesRows[]): { value: number; at: number }[] {
  const seen = new Map<number, number>();
  for (const s of series) for (const [t, v] of s.points) if (!seen.has(v) || (seen.get(v) ?? t) > t) seen.set(v, t);
  return [...seen].map(([value, at]) => ({ value, at })).sort((a, b) => a.at - b.at);
}
