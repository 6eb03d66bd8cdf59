/**
 * Fault decisions for each request: how long to wait before answering and
 * whether to answer 500. Everything is a function of the request's arrival
 * number and the seed, so a benchmark knows the true latency distribution.
 */
import { mulberry32 } from './prng.js';

export type LatencySpec =
  | { kind: 'none' }
  | { kind: 'fixed'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  /** exactly floor(n * slowFraction) of the first n requests are slow, evenly spread (every 10th for 0.1) */
  | { kind: 'bimodal'; fastMs: number; slowMs: number; slowFraction: number }
  /** every `every`-th request freezes the whole server for `ms`: every response due meanwhile waits */
  | { kind: 'stall'; ms: number; every: number; baseMs?: number };

export interface FaultOptions {
  latency?: LatencySpec;
  errorRate?: number;
  seed?: number;
  /** overrides the seeded generator (both the error and the uniform-latency draws) */
  random?: () => number;
}

export interface FaultDecision {
  fail: boolean;
  /** wait measured from the request's arrival */
  delayMs: number;
}

export interface Faults {
  /** decision for the n-th request (1-based) arriving at `nowMs` (monotonic clock) */
  decide(n: number, nowMs: number): FaultDecision;
  /** no response may leave before this instant (non-zero only while a stall lasts) */
  holdUntil(): number;
}

export const DEFAULT_SEED = 1;

export function createFaults(opts: FaultOptions): Faults {
  const latency = opts.latency ?? { kind: 'none' };
  const errorRate = opts.errorRate ?? 0;
  const seed = opts.seed ?? DEFAULT_SEED;
  // Separate streams: switching the latency kind must not change which requests fail.
  const errorRandom = opts.random ?? mulberry32(seed);
  const latencyRandom = opts.random ?? mulberry32(seed ^ 0x9e3779b9);
  let stallUntil = 0;

  const delayFor = (n: number, nowMs: number): number => {
    switch (latency.kind) {
      case 'none':
        return 0;
      case 'fixed':
        return latency.ms;
      case 'uniform':
        return latency.minMs + latencyRandom() * (latency.maxMs - latency.minMs);
      case 'bimodal': {
        // The epsilon keeps 30 * 0.1 = 3.0000000000000004 and 29 * 0.1 on the right sides.
        const slow = Math.floor(n * latency.slowFraction + 1e-9) > Math.floor((n - 1) * latency.slowFraction + 1e-9);
        return slow ? latency.slowMs : latency.fastMs;
      }
      case 'stall':
        if (n % latency.every === 0) stallUntil = Math.max(stallUntil, nowMs + latency.ms);
        return latency.baseMs ?? 0;
    }
  };

  return {
    decide(n, nowMs) {
      const fail = errorRate > 0 && errorRandom() < errorRate;
      return { fail, delayMs: delayFor(n, nowMs) };
    },
    holdUntil: () => stallUntil,
  };
}

/** One line for logs and reports, e.g. `fixed:50`. */
export function describeLatency(spec: LatencySpec): string {
  switch (spec.kind) {
    case 'none':
      return 'none';
    case 'fixed':
      return `fixed:${spec.ms}`;
    case 'uniform':
      return `uniform:${spec.minMs}-${spec.maxMs}`;
    case 'bimodal':
      return `bimodal:${spec.fastMs},${spec.slowMs},${spec.slowFraction}`;
    case 'stall':
      return `stall:${spec.ms}/${spec.every}${spec.baseMs ? `,${spec.baseMs}` : ''}`;
  }
}
