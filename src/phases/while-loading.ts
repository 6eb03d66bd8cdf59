/**
 * Runs the load phase while something else is sampled every interval (the HPA
 * watch, the saturation queries): one sample at a time, so a slow API server
 * or Prometheus cannot pile requests up, and the last one is awaited before
 * the outcome is returned. A load phase that throws becomes an error outcome,
 * as the engine would record it, so the wrapper's own findings are not lost.
 */
import { firstLine } from '../core/errors.js';
import type { PhaseOutcome } from './types.js';

export async function runWhileSampling(
  runLoad: () => Promise<PhaseOutcome>,
  intervalMs: number,
  sampleOnce: () => Promise<void>,
): Promise<PhaseOutcome> {
  let pending: Promise<void> = Promise.resolve();
  const tick = setInterval(() => {
    pending = pending.then(sampleOnce).catch(() => undefined);
  }, intervalMs);
  try {
    return await runLoad();
  } catch (err) {
    return { status: 'error', reason: firstLine(err) };
  } finally {
    clearInterval(tick);
    await pending;
  }
}
