/**
 * Runbook "Auto-scaling triggers appropriately": while the load phase runs,
 * sample the namespace's HPAs (before, every interval, after) and say whether
 * each scaled, as notes on the load phase's outcome. By default this is
 * reported, not gated: an HPA reacts on its own clock (minutes), a short load
 * test may well end before it does. With `--require-scale-out` every sample is
 * also kept (with its time) for the cluster phase to judge, and when an HPA's
 * target was crossed but it has not scaled yet, sampling goes on after the
 * load until it does or `cluster.scaleOutWithinSeconds` has passed.
 */
import type { HpaSample } from '../phases/cluster.js';
import { judgeScaleOut } from '../phases/cluster/scale-out.js';
import type { ScaleOutWindow } from '../phases/cluster/scale-out.js';
import type { PhaseOutcome, PhaseRunner } from '../phases/types.js';
import { firstLine } from '../core/errors.js';
import type { Workload } from '../contract/plan.js';
import { rateProfile } from '../net/load/schedule.js';
import { runWhileSampling } from '../phases/while-loading.js';

/** What the scale-out gate needs from the watch; read by the cluster phase. */
export class ScaleOutLog {
  readonly samples: HpaSample[] = [];
  /** the judged stage's bounds, known once the load has started */
  window?: ScaleOutWindow;
  loadStartMs?: number;
  constructor(
    readonly withinMs: number,
    /** the judged stage from the load's start (epoch ms) */
    readonly windowFor: (loadStartMs: number) => ScaleOutWindow,
  ) {}
}

export interface HpaWatchDeps {
  sample(): Promise<HpaSample[]>;
  describe(before: readonly HpaSample[], during: readonly HpaSample[]): string[];
  intervalMs: number;
  /** set with --require-scale-out */
  gate?: ScaleOutLog;
  /** epoch ms (default Date.now) */
  now?: () => number;
}

const withNotes = (out: PhaseOutcome, notes: readonly string[]): PhaseOutcome =>
  (notes.length === 0 ? out : { ...out, notes: [...(out.notes ?? []), ...notes] });

/** An HPA crossed its target in the window and its allowance to scale out has not run out yet. */
function stillWaiting(gate: ScaleOutLog): boolean {
  return gate.window !== undefined && judgeScaleOut(gate.samples, gate.window, gate.withinMs).some((f) => f.pending === true);
}

/** Wraps the load phase so the HPAs are sampled around and during it. */
export function watchHpasDuring(load: PhaseRunner, deps: HpaWatchDeps): PhaseRunner {
  const now = deps.now ?? Date.now;
  const keep = (s: HpaSample[]): HpaSample[] => { deps.gate?.samples.push(...s); return s; };
  return {
    ...load,
    async run(ctx): Promise<PhaseOutcome> {
      let before: HpaSample[];
      try {
        before = keep(await deps.sample());
      } catch (err) {
        return withNotes(await load.run(ctx), [`hpa sampling failed: ${firstLine(err)}`]);
      }
      const gate = deps.gate;
      if (gate) {
        gate.loadStartMs = now();
        gate.window = gate.windowFor(gate.loadStartMs);
      }
      const during: HpaSample[] = [];
      const sampleOnce = async (): Promise<void> => { during.push(...keep(await deps.sample().catch(() => []))); };
      const out = await runWhileSampling(() => load.run(ctx), deps.intervalMs, sampleOnce);
      await sampleOnce();
      if (gate?.window && !Number.isFinite(gate.window.endMs)) gate.window = { ...gate.window, endMs: now() };
      // A crossing near the end of the load still gets its full allowance to scale out
      // (bounded: a sampler that keeps failing must not hold the run).
      const waitUntil = now() + (gate?.withinMs ?? 0);
      while (gate && !ctx.signal.aborted && now() < waitUntil && stillWaiting(gate)) {
        await new Promise((r) => setTimeout(r, deps.intervalMs));
        await sampleOnce();
      }
      return withNotes(out, before.length === 0 ? ['no HPA in the namespace: auto-scaling not observed'] : deps.describe(before, during));
    },
  };
}

/**
 * The stage the gate judges: the one named `2x` (the 2x-baseline profile), else
 * the last stage; a constant-rate or closed load is judged as a whole (its end
 * is set when the load finishes).
 */
export function scaleOutWindow(workload: Workload, loadStartMs: number): ScaleOutWindow {
  if (workload.model !== 'staged') return { startMs: loadStartMs, endMs: Infinity, label: 'the load' };
  const profile = rateProfile(workload);
  const named = profile.stageNames.indexOf('2x');
  const stage = named >= 0 ? named : profile.stageNames.length - 1;
  const segs = profile.segments.filter((s) => s.stage === stage);
  const start = Math.min(...segs.map((s) => s.startMs));
  const end = Math.max(...segs.map((s) => s.startMs + s.durationMs));
  return { startMs: loadStartMs + start, endMs: loadStartMs + end, label: `stage ${profile.stageNames[stage] ?? stage}` };
}
