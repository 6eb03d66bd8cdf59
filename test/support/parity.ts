/**
 * Comparing a node-engine run with a k6-engine run of the same plan: what the
 * parity table asserts, as data, so a difference prints as a readable diff.
 * Per-phase values come from the summary's `name{phase:X}` sub-metric when it
 * has one, else from the node engine's encoded series (as the reporters read them).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MetricStore } from '../../src/core/metrics.js';
import type { PhaseName, RunResult } from '../../src/core/result.js';

export const PHASE_METRICS = ['http_reqs', 'http_req_failed', 'http_req_duration', 'checks'] as const;
export type PhaseMetric = (typeof PHASE_METRICS)[number];

export async function readSummary(dir: string): Promise<RunResult> {
  return JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunResult;
}

/** count (http_reqs, http_req_duration) or passes/fails (rates) of one metric in one phase; undefined when none. */
export function phaseValues(r: RunResult, metric: PhaseMetric, phase: PhaseName): Record<string, number> | undefined {
  // the node engine's series when it has them (its summary sub-metrics carry no count), else k6's sub-metric
  const agg = r.golive.series?.length ? MetricStore.fromJSON(r.golive.series).select(metric, { phase }) : undefined;
  const v: Record<string, number | undefined> | undefined = agg
    ? { count: agg.value('count'), passes: agg.value('passes'), fails: agg.value('fails') }
    : r.metrics[`${metric}{phase:${phase}}`]?.values;
  if (!v) return undefined;
  const out: Record<string, number> = metric === 'http_req_failed' || metric === 'checks'
    ? { passes: v['passes'] ?? 0, fails: v['fails'] ?? 0 }
    : { count: v['count'] ?? 0 };
  return Object.values(out).some((x) => x > 0) ? out : undefined;
}

export function p95(r: RunResult, phase: PhaseName): number | undefined {
  const sub = r.metrics[`http_req_duration{phase:${phase}}`]?.values['p(95)'];
  if (sub !== undefined && (r.metrics[`http_req_duration{phase:${phase}}`]?.values['count'] ?? 1) > 0) return sub;
  return r.golive.series?.length ? MetricStore.fromJSON(r.golive.series).select('http_req_duration', { phase })?.value('p(95)') : undefined;
}

export interface Comparable {
  exitCode: number;
  verdict: string;
  phases: string[];
  failedChecks: string[];
  thresholds: string[];
  failedThresholds: string[];
  rollback: boolean;
  /** every per-phase metric with its counts */
  perPhase: Record<string, Record<string, number>>;
}

/**
 * What must be equal between the engines. `approxCounts` (open model, SIGINT)
 * keeps which per-phase metrics exist but not their exact counts, which
 * depend on timing; those runs assert their counts separately.
 */
export function comparable(r: RunResult, exitCode: number, opts: { approxCounts?: boolean } = {}): Comparable {
  const g = r.golive;
  const perPhase: Record<string, Record<string, number>> = {};
  for (const p of g.phases) {
    for (const m of PHASE_METRICS) {
      const v = phaseValues(r, m, p.name);
      if (v) perPhase[`${m}{phase:${p.name}}`] = opts.approxCounts && p.name === 'load' ? {} : v;
    }
  }
  return {
    exitCode,
    verdict: g.verdict,
    phases: g.phases.map((p) => `${p.name}:${p.status}`),
    failedChecks: g.checks.filter((c) => c.fails > 0).map((c) => `${c.phase}/${c.name}`).sort(),
    thresholds: g.thresholds.map((t) => `${t.metric} ${t.expression}`).sort(),
    failedThresholds: g.thresholds.filter((t) => !t.ok).map((t) => `${t.metric} ${t.expression}`).sort(),
    rollback: g.rollback.triggered,
    perPhase,
  };
}

/** ab's "95%  51" line of its percentile table, in ms. */
export function abPercentile(output: string, p: number): number {
  const m = new RegExp(`^\\s*${p}%\\s+(\\d+)`, 'm').exec(output);
  if (!m?.[1]) throw new Error(`no ${p}% line in ab output:\n${output}`);
  return Number(m[1]);
}

export const within = (a: number, b: number): boolean => Math.abs(a - b) <= Math.max(2, 0.05 * Math.max(a, b));
