/** The 2x-baseline profile's expected verdict, held the same way by the local and the in-cluster test. */
import { expect } from 'vitest';
import type { RunResult } from '../../src/core/result.js';

/** The baseline stage's thresholds pass, the 2x stage's p(95)<500 fails with a p95 over 500 ms. */
export function expectBaselinePassesTwoXBreaches(s: RunResult): void {
  const byKey = new Map(s.golive.thresholds.map((t) => [`${t.metric} ${t.expression}`, t]));
  expect(byKey.get('http_req_duration{stage:baseline} p(95)<500')?.ok).toBe(true);
  expect(byKey.get('http_req_failed{stage:baseline} rate<0.01')?.ok).toBe(true);
  const peak = byKey.get('http_req_duration{stage:2x} p(95)<500');
  expect(peak?.ok).toBe(false);
  expect(peak?.actual).toBeGreaterThan(500);
}
