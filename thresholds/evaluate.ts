/**
 * Evaluates k6-syntax thresholds against any MetricSource (our MetricStore, or
 * a k6 summary through summaryMetricSource). Unlike k6, a threshold over a
 * metric or sub-metric with no samples FAILS: a gate must not pass silently.
 */
import type { MetricContains, MetricType } from '../src/core/metrics.js';
import { PHASES } from '../src/core/result.js';
import type { PhaseName, ThresholdResult } from '../src/core/result.js';
import {
  compare, normalizeThreshold, parseMetricSelector, parseThreshold, validateFor,
} from './parse.js';
import type { MetricSelector, ParsedThreshold, ThresholdInput } from './parse.js';

export interface SelectedMetric {
  /** `contains` is optional so a plain source can omit it; 'time' adds the ms unit to messages */
  info: { type: MetricType; contains?: MetricContains };
  samples: number;
  value(agg: string, durationSeconds?: number): number | undefined;
}

/** What the evaluator reads; MetricStore satisfies it (its `select` returns an Aggregate). */
export interface MetricSource {
  select(name: string, tags: Record<string, string>): SelectedMetric | undefined;
}

export type ThresholdDefs = Readonly<Record<string, readonly ThresholdInput[]>>;

interface Compiled {
  metric: string;
  selector: MetricSelector;
  parsed: ParsedThreshold;
}

/** Parses every selector and expression first, so a typo fails before anything is judged. */
function compile(defs: ThresholdDefs): Compiled[] {
  const out: Compiled[] = [];
  for (const [metric, list] of Object.entries(defs)) {
    const selector = parseMetricSelector(metric);
    for (const input of list) {
      out.push({ metric, selector, parsed: parseThreshold(normalizeThreshold(input).expression) });
    }
  }
  return out;
}

/**
 * Config-time check: syntax of every entry, and aggregations against the
 * metric types known up front (built-ins, declared custom metrics).
 */
export function validateThresholdDefs(defs: ThresholdDefs, typeOf: (name: string) => MetricType | undefined): void {
  for (const c of compile(defs)) {
    const type = typeOf(c.selector.name);
    if (type !== undefined) validateFor(c.parsed, type, c.metric);
  }
}

function phaseOf(tags: Record<string, string>): PhaseName | undefined {
  const p = tags['phase'];
  return (PHASES as readonly string[]).includes(p ?? '') ? (p as PhaseName) : undefined;
}

/** Milliseconds for time metrics; rates and counts as short plain numbers. */
export function formatMeasured(value: number, contains: MetricContains | undefined): string {
  if (contains === 'time') return `${value.toFixed(2)}ms`;
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/**
 * Counters are the exception to "samples > 0": a counter series that exists
 * was touched by the engine, so a count of 0 (e.g. no dropped iterations) is a
 * measurement, not an absence. Other types need at least one sample.
 */
function hasSamples(m: SelectedMetric): boolean {
  return m.info.type === 'counter' || m.samples > 0;
}

function judge(c: Compiled, source: MetricSource, durationSeconds: number): ThresholdResult {
  const { metric, selector, parsed } = c;
  const base: ThresholdResult = { metric, expression: parsed.source, ok: false, message: '' };
  const phase = phaseOf(selector.tags);
  if (phase !== undefined) base.phase = phase;
  const m = source.select(selector.name, selector.tags);
  if (m === undefined || !hasSamples(m)) return { ...base, message: `no samples for ${metric}` };
  validateFor(parsed, m.info.type, metric);
  const actual = m.value(parsed.aggName, durationSeconds);
  if (actual === undefined || Number.isNaN(actual)) {
    return { ...base, message: `${parsed.aggName} not available for ${metric}` };
  }
  const ok = compare(actual, parsed.operator, parsed.value);
  const shown = `${parsed.aggName}=${formatMeasured(actual, m.info.contains)}`;
  const want = `${parsed.operator}${parsed.value}`;
  return { ...base, ok, actual, message: ok ? `${shown} (${want})` : `${shown}, wanted ${want}` };
}

/**
 * One result per (selector, expression), in definition order. Throws
 * GOLIVE_INVALID_CONFIG for bad syntax or an aggregation that does not fit the
 * metric's type.
 */
export function evaluateThresholds(defs: ThresholdDefs, source: MetricSource, durationSeconds: number): ThresholdResult[] {
  return compile(defs).map((c) => judge(c, source, durationSeconds));
}
