/**
 * Fault decisions for each request: how long to wait before answering and
 * whether to answer 500. Everything is a function of the request's arrival
 * number and the seed, so a benchmark knows the true latency distribution.
 *
 * Errors are spread evenly rather than drawn per request: of the first n
 * requests exactly floor(n * rate + phase) fail. A coin flip per request made
 * the count wander (33 +- 6 of 1000 at 0.03) and, worse, could fail request 2,
 * the health phase, so a gate test of `--error-rate` never reached its load
 * phase. Without a seed the phase is 0: the first failure is request
 * ceil(1 / rate) (34 at 0.03); a seed picks another phase.
 */
import { mulberry32 } from './prng.js';
import { createRateMeter, saturationDelayMs } from './saturate.js';

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
  /** capacity in arrivals per second: above it every response is slowed (see saturate.ts) */
  saturateRps?: number;
  seed?: number;
  /** overrides the seeded generator (the error phase and the uniform-latency draws) */
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

/** True when the n-th item (1-based) is one of the `fraction` picked out by an even spread. */
export function evenlyPicked(n: number, fraction: number, phase = 0): boolean {
  // The epsilon keeps 30 * 0.1 = 3.0000000000000004 and 29 * 0.1 on the right sides.
  return Math.floor(n * fraction + phase + 1e-9) > Math.floor((n - 1) * fraction + phase + 1e-9);
}

export function createFaults(opts: FaultOptions): Faults {
  const latency = opts.latency ?? { kind: 'none' };
  const errorRate = opts.errorRate ?? 0;
  const random = opts.random ?? (opts.seed === undefined ? undefined : mulberry32(opts.seed));
  const errorPhase = random ? random() : 0;
  const latencyRandom = random ?? mulberry32(0x9e3779b9);
  let stallUntil = 0;
  const saturateRps = opts.saturateRps;
  const meter = saturateRps === undefined ? undefined : createRateMeter();

  const delayFor = (n: number, nowMs: number): number => {
    switch (latency.kind) {
      case 'none':
        return 0;
      case 'fixed':
        return latency.ms;
      case 'uniform':
        return latency.minMs + latencyRandom() * (latency.maxMs - latency.minMs);
      case 'bimodal':
        return evenlyPicked(n, latency.slowFraction) ? latency.slowMs : latency.fastMs;
      case 'stall':
        if (n % latency.every === 0) stallUntil = Math.max(stallUntil, nowMs + latency.ms);
        return latency.baseMs ?? 0;
    }
  };

  return {
    decide(n, nowMs) {
      const fail = errorRate > 0 && evenlyPicked(n, errorRate, errorPhase);
      const overload = meter && saturateRps !== undefined ? saturationDelayMs(meter.arrive(nowMs), saturateRps) : 0;
      return { fail, delayMs: delayFor(n, nowMs) + overload };
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
