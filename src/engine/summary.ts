/**
 * Pure: the run's measurements and outcomes -> RunResult (k6 summary shape +
 * the golive block). Sub-metrics that thresholds select appear under their k6
 * key (`http_req_duration{phase:load}`) with the thresholds attached.
 */
import { createHash } from 'node:crypto';
import type { MetricStore } from '../core/metrics.js';
import { BUILTIN_METRICS, TREND_STATS } from '../core/metrics.js';
import { redactUrl } from '../core/redact.js';
import type {
  CheckResult, DeliveryResult, GoliveBlock, PhaseResult, RollbackSignal, RunResult,
  SummaryGroup, SummaryMetric, ThresholdResult,
} from '../core/result.js';
import { parseMetricSelector } from '../../thresholds/index.js';

export interface SummaryInput {
  store: MetricStore;
  checks: CheckResult[];
  phases: PhaseResult[];
  thresholds: ThresholdResult[];
  rollback: RollbackSignal;
  deliveries: DeliveryResult[];
  durationMs: number;
  tty: { stdout: boolean; stderr: boolean };
  /**
   * The summary metrics when they were aggregated elsewhere (the k6 engine:
   * k6 hands over aggregates, not raw series), thresholds' verdicts attached;
   * otherwise they are computed from the store.
   */
  aggregates?: Record<string, SummaryMetric>;
  golive: Omit<GoliveBlock, 'phases' | 'checks' | 'thresholds' | 'rollback' | 'deliveries' | 'series' | 'timeline' | 'durationMs'>;
  includeSeries?: boolean;
}

export type RunIdentity = Pick<GoliveBlock, 'version' | 'runId' | 'testid' | 'environment' | 'engine' | 'target' | 'startedAt' | 'finishedAt'>;

/** Who ran what, against which target, when: the same head for every engine and for a broken run. */
export function runIdentity(
  plan: { testid?: string | undefined; environment?: string | undefined; target: string },
  run: { version: string; runId: string; engine: GoliveBlock['engine'] },
  startedAt: Date,
  finishedAt: Date,
): RunIdentity {
  return {
    version: run.version,
    runId: run.runId,
    testid: plan.testid ?? run.runId,
    ...(plan.environment ? { environment: plan.environment } : {}),
    engine: run.engine,
    // The RunResult is written, printed and emitted into pod logs: it holds the target redacted.
    target: redactUrl(plan.target),
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
  };
}

const id = (s: string) => createHash('md5').update(s).digest('hex');

function metricsMap(store: MetricStore, thresholds: ThresholdResult[], durationSeconds: number): Record<string, SummaryMetric> {
  const out: Record<string, SummaryMetric> = {};
  for (const name of store.names().sort()) {
    const agg = store.select(name);
    if (!agg) continue;
    out[name] = { type: agg.info.type, contains: agg.info.contains, values: agg.summaryValues(durationSeconds, TREND_STATS) };
  }
  for (const t of thresholds) {
    let entry = out[t.metric];
    if (!entry) {
      const sel = parseMetricSelector(t.metric);
      const agg = store.select(sel.name, sel.tags);
      const base = out[sel.name];
      entry = {
        type: agg?.info.type ?? base?.type ?? BUILTIN_METRICS[sel.name]?.type ?? 'trend',
        contains: agg?.info.contains ?? base?.contains ?? BUILTIN_METRICS[sel.name]?.contains ?? 'default',
        values: agg ? agg.summaryValues(durationSeconds, TREND_STATS) : {},
      };
      out[t.metric] = entry;
    }
    entry.thresholds = { ...entry.thresholds, [t.expression]: { ok: t.ok } };
  }
  return out;
}

function rootGroup(checks: CheckResult[], phases: PhaseResult[]): SummaryGroup {
  const groups: SummaryGroup[] = phases.map((p) => {
    const path = `::${p.name}`;
    return {
      name: p.name,
      path,
      id: id(path),
      groups: [],
      checks: checks.filter((c) => c.phase === p.name).map((c) => ({
        name: c.name, path: `${path}::${c.name}`, id: id(`${path}::${c.name}`), passes: c.passes, fails: c.fails,
      })),
    };
  });
  return { name: '', path: '', id: id(''), groups, checks: [] };
}

function timelineOf(store: MetricStore): Pick<GoliveBlock, 'timeline'> {
  const timeline = store.timeline.toJSON();
  return timeline ? { timeline } : {};
}

export function buildRunResult(input: SummaryInput): RunResult {
  const durationSeconds = input.durationMs / 1000;
  return {
    root_group: rootGroup(input.checks, input.phases),
    options: { summaryTrendStats: [...TREND_STATS], summaryTimeUnit: 'ms', noColor: !input.tty.stdout },
    state: { isStdOutTTY: input.tty.stdout, isStdErrTTY: input.tty.stderr, testRunDurationMs: input.durationMs },
    metrics: input.aggregates ?? metricsMap(input.store, input.thresholds, durationSeconds),
    golive: {
      ...input.golive,
      durationMs: input.durationMs,
      phases: input.phases,
      checks: input.checks,
      thresholds: input.thresholds,
      rollback: input.rollback,
      deliveries: input.deliveries,
      ...(input.includeSeries === false ? {} : { series: input.store.toJSON() }),
      ...timelineOf(input.store),
    },
  };
}
