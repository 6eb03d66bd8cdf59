/**
 * Runbook "Auto-scaling triggers appropriately": while the load phase runs,
 * sample the namespace's HPAs (before, every interval, after) and say whether
 * each scaled. Reported, not gated: an HPA reacts on its own clock (minutes),
 * a short load test may well end before it does.
 */
import type { HpaSample } from '../phases/cluster.js';
import type { PhaseOutcome, PhaseRunner } from './types.js';
import { firstLine } from '../core/errors.js';

export interface HpaWatchDeps {
  sample(): Promise<HpaSample[]>;
  describe(before: readonly HpaSample[], during: readonly HpaSample[]): string[];
  intervalMs: number;
  /** where the one-line findings go */
  notes: string[];
}

/** Wraps the load phase so the HPAs are sampled around and during it. */
export function watchHpasDuring(load: PhaseRunner, deps: HpaWatchDeps): PhaseRunner {
  return {
    ...load,
    async run(ctx): Promise<PhaseOutcome> {
      let before: HpaSample[];
      try {
        before = await deps.sample();
      } catch (err) {
        deps.notes.push(`hpa sampling failed: ${firstLine(err)}`);
        return load.run(ctx);
      }
      const during: HpaSample[] = [];
      let pending: Promise<void> = Promise.resolve();
      const tick = setInterval(() => {
        pending = pending.then(async () => {
          during.push(...(await deps.sample().catch(() => [])));
        });
      }, deps.intervalMs);
      try {
        return await load.run(ctx);
      } finally {
        clearInterval(tick);
        await pending;
        during.push(...(await deps.sample().catch(() => [])));
        if (before.length === 0) deps.notes.push('no HPA in the namespace: auto-scaling not observed');
        else deps.notes.push(...deps.describe(before, during));
      }
    },
  };
}
