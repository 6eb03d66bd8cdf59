/**
 * What the threshold evaluator reads (a MetricStore, or a k6 summary through
 * summaryMetricSource) and how a measured value is shown.
 */
import type { MetricContains, MetricType } from '../src/core/metrics.js';

export interface SelectedMetric {
  /** `contains` is optional so a plain source can omit it; 'time' adds the ms unit to messages */
  info: { type: MetricType; contains?: MetricContains };
  samples: number;
  value(agg: string, durationSeconds?: number): number | undefined;
}

/** One sliding window of a windowed threshold; bounds in epoch ms. */
export interface WindowSelection {
  startMs: number;
  endMs: number;
  agg: SelectedMetric;
}

/** What the evaluator reads; MetricStore satisfies it (its `select` returns an Aggregate). */
export interface MetricSource {
  select(name: string, tags: Record<string, string>): SelectedMetric | undefined;
  /** sliding windows with samples; a source without a timeline (a k6 summary) omits it */
  windows?(name: string, tags: Record<string, string>, seconds: number): WindowSelection[];
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
export function hasSamples(m: SelectedMetric): boolean {
  return m.info.type === 'counter' || m.samples > 0;
}

