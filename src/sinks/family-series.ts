/** Pure: gauge families (the Pushgateway's verdict series) -> remote-write time series with the run's labels. */
import type { PromTimeSeries } from './prompb.js';
import type { Family } from './pushgateway-format.js';

export function familySeries(families: readonly Family[], base: Readonly<Record<string, string>>, timestampMs: number): PromTimeSeries[] {
  return families.flatMap((f) => f.samples.filter((s) => Number.isFinite(s.value)).map((s) => {
    const all: Record<string, string> = { ...s.labels, ...base, __name__: f.name };
    return {
      labels: Object.keys(all).sort().map((name) => ({ name, value: all[name] ?? '' })),
      samples: [{ value: s.value, timestamp: timestampMs }],
      histograms: [],
    };
  }));
}
