/**
 * Upper bounds for every number in a plan, so a typo cannot become a plan
 * Node cannot execute: its timers are 32-bit signed milliseconds (beyond,
 * they fire after 1 ms), and counts beyond these are not a go-live check.
 */
import { z } from 'zod';

export const LIMITS = {
  timerMs: 2 ** 31 - 1,
  requests: 100_000_000,
  connections: 100_000,
  rate: 1_000_000,
  maxBodyBytes: 256 * 1024 * 1024,
  workers: 64,
} as const;

const TIMER_S = Math.floor(LIMITS.timerMs / 1000);

/** A positive duration in seconds within Node's timer range. */
export const boundedSeconds = (what = 'a duration') =>
  z.number().positive().max(TIMER_S, `${what} above ${TIMER_S} s (Node's timer range)`);

/** A positive duration in milliseconds within Node's timer range. */
export const boundedMillis = () => z.number().positive().max(LIMITS.timerMs, `above ${LIMITS.timerMs} ms (Node's timer range)`);

/** Arrivals per second. */
export const boundedRate = () => z.number().max(LIMITS.rate, `above ${LIMITS.rate} requests/s`);

/** Connections in flight at once (also checked against `ulimit -n` before the run). */
export const boundedConnections = () => z.number().int().positive().max(LIMITS.connections, `above ${LIMITS.connections} connections`);
