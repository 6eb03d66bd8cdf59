/**
 * The `--saturate RPS` fault: a server whose latency grows once the arrival
 * rate passes its capacity, as a saturated service's queue does. Used by the
 * capacity tests so that the baseline stage passes and the 2x stage fails on
 * the same server, for the reason a real one would.
 *
 * The arrival rate is the count of arrivals in the last second, kept in 100
 * buckets of 10 ms (memory is constant whatever the rate). Above capacity the
 * extra delay is SATURATION_MS_PER_OVERLOAD per 100 % of overload: at 1.5x
 * capacity +500 ms, at 2x +1000 ms; at or below capacity nothing is added.
 */
export const SATURATION_MS_PER_OVERLOAD = 1000;

const BUCKETS = 100;
const BUCKET_MS = 10;

export interface RateMeter {
  /** records one arrival at `nowMs` and returns the arrivals in the last second, this one included */
  arrive(nowMs: number): number;
}

export function createRateMeter(): RateMeter {
  const counts = new Uint32Array(BUCKETS);
  let head = -1; // absolute index of the newest bucket
  let total = 0;
  return {
    arrive(nowMs) {
      const idx = Math.floor(nowMs / BUCKET_MS);
      if (head < 0) head = idx;
      // Buckets that fell out of the last second are emptied as the head moves on.
      for (let b = head + 1; b <= idx && b <= head + BUCKETS; b++) {
        total -= counts[b % BUCKETS] ?? 0;
        counts[b % BUCKETS] = 0;
      }
      if (idx > head) head = idx;
      counts[head % BUCKETS] = (counts[head % BUCKETS] ?? 0) + 1;
      total++;
      return total;
    },
  };
}

/** Extra delay for an arrival that finds `rate` arrivals in the last second on a server of `capacityRps`. */
export function saturationDelayMs(rate: number, capacityRps: number): number {
  return rate <= capacityRps ? 0 : SATURATION_MS_PER_OVERLOAD * (rate / capacityRps - 1);
}
