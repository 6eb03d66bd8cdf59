/** Monotonic milliseconds; injected so tests and the bench can control time. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => performance.now() };
