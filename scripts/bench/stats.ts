/** Pure arithmetic for the bench: medians, per-10k costs, ratios. */

export function median(values: readonly number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

export function cpuPer10k(cpuSeconds: number, requests: number): number {
  return requests > 0 ? (cpuSeconds / requests) * 10_000 : NaN;
}

/** golive / peer; NaN when either side is missing or zero. */
export function ratio(golive: number, peer: number): number {
  return Number.isFinite(golive) && Number.isFinite(peer) && peer > 0 ? golive / peer : NaN;
}

/** The accuracy goal: |measured - truth| <= max(1 ms, 2 % of truth). */
export function withinAccuracy(measured: number, truth: number): boolean {
  return Math.abs(measured - truth) <= Math.max(1, 0.02 * truth);
}

/** Nearest-rank percentile of unsorted values. */
export function percentileOf(values: readonly number[], p: number): number {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))]!;
}

export interface StallSchedule { rate: number; durationSeconds: number; every: number; stallMs: number; baseMs: number }

/**
 * The latencies users arriving on the open model's schedule truly get from a
 * server that freezes for `stallMs` at every `every`-th arrival (it answers
 * no earlier than arrival + baseMs and never before the freeze ends): the
 * exact answer for this finite run, simulated arrival by arrival.
 */
export function stallTruthLatencies(o: StallSchedule): number[] {
  const n = Math.ceil(o.rate * o.durationSeconds - 1e-9);
  const out: number[] = [];
  let until = 0;
  for (let i = 0; i < n; i++) {
    const t = (i * 1000) / o.rate;
    if ((i + 1) % o.every === 0) until = Math.max(until, t + o.stallMs);
    out.push(Math.max(o.baseMs, until - t));
  }
  return out;
}

/** Rotates a list by `by`: the order of tools changes each round (interleaving). */
export function rotate<T>(list: readonly T[], by: number): T[] {
  const n = list.length;
  if (n === 0) return [];
  const k = ((by % n) + n) % n;
  return [...list.slice(k), ...list.slice(0, k)];
}
