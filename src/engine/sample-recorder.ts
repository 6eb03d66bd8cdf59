/**
 * How the load phase records every response: k6's http_reqs, http_req_failed
 * and http_req_duration, tagged, with one bound recorder per status so the hot
 * loop never builds tag keys. Shared with the benchmark, so the bench measures
 * exactly the work the load phase does.
 */
import type { MetricStore } from '../core/metrics.js';
import type { LoadSample } from './load/index.js';

export interface SampleRecorder {
  onSample(sample: LoadSample): void;
  /** one-line causes of requests without a response, counted */
  readonly errors: Map<string, number>;
  /** responses outside 200-399, or none at all */
  unexpected(): number;
}

export function createSampleRecorder(store: MetricStore, base: Readonly<Record<string, string>>): SampleRecorder {
  const recorders = new Map<number, (durationMs: number) => void>();
  const errors = new Map<string, number>();
  let unexpected = 0;
  const recorderFor = (status: number): ((durationMs: number) => void) => {
    const expected = status >= 200 && status < 400;
    const tags = { ...base, status: String(status), expected_response: String(expected) };
    const reqs = store.recorder('http_reqs', tags);
    const failed = store.recorder('http_req_failed', tags);
    const dur = store.recorder('http_req_duration', tags);
    const flag = expected ? 0 : 1;
    const r = (ms: number): void => { reqs(1); failed(flag); dur(ms); unexpected += flag; };
    recorders.set(status, r);
    return r;
  };
  return {
    onSample(s) {
      (recorders.get(s.status) ?? recorderFor(s.status))(s.durationMs);
      if (s.error !== undefined) errors.set(s.error, (errors.get(s.error) ?? 0) + 1);
    },
    errors,
    unexpected: () => unexpected,
  };
}
