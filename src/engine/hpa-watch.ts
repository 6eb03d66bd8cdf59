/**
 * Runbook "Auto-scaling triggers appropriately": while the load phase runs,
 * sample the namespace's HPAs (before, every interval, after) and say whether
 * each scaled, as notes on the load phase's outcome. Reported, not gated: an
 * HPA reacts on its own clock (minutes), a short load test may well end before it does.
 */
import type { HpaSample } from '../phases/cluster.js';
import type { PhaseOutcome, PhaseRunner } from '../phases/types.js';
import { firstLine } from '../core/errors.js';

export interface HpaWatchDeps {
  sample(): Promise<HpaSample[]>;
  describe(before: readonly HpaSample[], during: readonly HpaSample[]): string[];
  intervalMs: number;
}

const withNotes = (out: PhaseOutcome, notes: readonly string[]): PhaseOutcome =>
  (notes.length === 0 ? out : { ...out, notes: [...(out.notes ?? []), ...notes] });

/** Wraps the load phase so the HPAs are sampled around and during it. */
export function watchHpasDuring(load: PhaseRunner, deps: HpaWatchDeps): PhaseRunner {
  return {
    ...load,
    async run(ctx): Promise<PhaseOutcome> {
      let before: HpaSample[];
      try {
        before = await deps.sample();
      } catch (err) {
        return withNotes(await load.run(ctx), [`hpa sampling failed: ${firstLine(err)}`]);
      }
      const during: HpaSample[] = [];
      let pending: Promise<void> = Promise.resolve();
      const tick = setInterval(() => {
        pending = pending.then(async () => {
          during.push(...(await deps.sample().catch(() => [])));
        });
      }, deps.intervalMs);
      let out: PhaseOutcome;
      try {
        out = await load.run(ctx);
      } catch (err) {
        // As the engine would record it, so the HPA notes are not lost with it.
        out = { status: 'error', reason: firstLine(err) };
      } finally {
        clearInterval(tick);
        await pending;
        during.push(...(await deps.sample().catch(() => [])));
      }
      return withNotes(out, before.length === 0 ? ['no HPA in the namespace: auto-scaling not observed'] : deps.describe(before, during));
    },
  };
}
