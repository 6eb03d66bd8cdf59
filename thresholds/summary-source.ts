/**
 * Adapts a k6 end-of-test summary's `metrics` map (our RunResult.metrics has
 * the same shape) to a MetricSource, so k6 runs are re-judged by the same
 * evaluator and the same "no samples fails" rule.
 */
import type { SummaryMetric } from '../src/core/result.js';
import type { MetricSource, SelectedMetric } from './evaluate.js';
import { formatMetricSelector, parseMetricSelector } from './parse.js';

/**
 * A summary does not carry a sample count for every type, so it is inferred:
 * rate from passes + fails; trend from `count` when summaryTrendStats include
 * it, else "all values zero" is read as empty (k6 prints an empty trend
 * sub-metric as zeros, and no real latency is exactly 0 at min and max).
 */
function samplesOf(m: SummaryMetric): number {
  const v = m.values;
  switch (m.type) {
    case 'rate': {
      if (v['passes'] !== undefined || v['fails'] !== undefined) return (v['passes'] ?? 0) + (v['fails'] ?? 0);
      return v['rate'] === undefined ? 0 : 1;
    }
    case 'trend': {
      if (v['count'] !== undefined) return v['count'];
      return Object.values(v).some((x) => x !== 0) ? 1 : 0;
    }
    case 'counter': return v['count'] ?? 0;
    case 'gauge': return v['value'] === undefined ? 0 : 1;
  }
}

function selected(m: SummaryMetric): SelectedMetric {
  return {
    info: { type: m.type, contains: m.contains },
    samples: samplesOf(m),
    // Counter `rate` is already per second in the summary; durationSeconds is not needed.
    value: (agg) => m.values[agg],
  };
}

/** Keys are matched by canonical selector, so `x{b:2,a:1}` finds a threshold written `x{a:1, b:2}`. */
export function summaryMetricSource(metrics: Readonly<Record<string, SummaryMetric>>): MetricSource {
  const byKey = new Map<string, SummaryMetric>();
  for (const [key, m] of Object.entries(metrics)) {
    let canonical = key;
    try {
      canonical = formatMetricSelector(parseMetricSelector(key));
    } catch {
      // a key we cannot parse can still be matched verbatim
    }
    byKey.set(canonical, m);
  }
  return {
    select(name, tags) {
      const m = byKey.get(formatMetricSelector({ name, tags }));
      return m === undefined ? undefined : selected(m);
    },
  };
}
