/**
 * The load mix's order of requests, shared by both engines (the node
 * generator and the k6 bundle pick the same request for the same iteration
 * number). Pure and runtime-neutral.
 */

/** Cycle length: shares are exact to 1/CYCLE of the total weight. */
const CYCLE = 1000;

/**
 * The order requests are sent in, by weight: smooth weighted round-robin
 * (nginx's), so each request's share holds over any stretch of the run, not
 * only over the whole cycle, and the same plan sends the same sequence.
 */
export function mixCycle(weights: readonly number[]): Uint16Array {
  const total = weights.reduce((s, w) => s + w, 0);
  const out = new Uint16Array(CYCLE);
  const current = weights.map(() => 0);
  for (let n = 0; n < CYCLE; n++) {
    let best = 0;
    for (let i = 0; i < weights.length; i++) {
      current[i] = (current[i] ?? 0) + (weights[i] ?? 0);
      if ((current[i] ?? 0) > (current[best] ?? 0)) best = i;
    }
    current[best] = (current[best] ?? 0) - total;
    out[n] = best;
  }
  return out;
}
