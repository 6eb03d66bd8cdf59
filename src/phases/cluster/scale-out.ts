/**
 * Pure: "Auto-scaling triggers appropriately" as a gate (`--require-scale-out`).
 * For each HPA whose utilisation target was crossed during the judged window
 * (the 2x stage), desiredReplicas must rise within `withinMs` of the crossing
 * and must not sit at maxReplicas while still above the target (maxed out:
 * the autoscaler has nowhere left to go). An HPA that was never pushed past
 * its target is not judged. Plus a replica timeline per HPA for the reports.
 */
import type { HpaSample } from './evaluate.js';

export interface ScaleOutFinding {
  hpa: string;
  ok: boolean;
  reason: string;
  /** crossed, not scaled yet, and its allowance has not run out: worth sampling on */
  pending?: boolean;
}

export interface ScaleOutWindow {
  /** epoch ms of the judged stage */
  startMs: number;
  endMs: number;
  /** e.g. "stage 2x" */
  label: string;
}

/** The utilisation above its target, e.g. "cpu 91% > 70%", or undefined. */
function crossing(s: HpaSample): string | undefined {
  const over = (s.utilisation ?? []).find((u) => u.current !== undefined && u.current > u.target);
  return over ? `${over.resource} ${over.current}% > ${over.target}%` : undefined;
}

const secs = (ms: number): string => `${Math.round(ms / 1000)}s`;

export function judgeScaleOut(samples: readonly HpaSample[], window: ScaleOutWindow, withinMs: number): ScaleOutFinding[] {
  const names = [...new Set(samples.map((s) => s.name))];
  const out: ScaleOutFinding[] = [];
  for (const hpa of names) {
    const mine = samples.filter((s) => s.name === hpa).sort((a, b) => a.at - b.at);
    const crossed = mine.find((s) => s.at >= window.startMs && s.at < window.endMs && crossing(s) !== undefined);
    if (!crossed) {
      out.push({ hpa, ok: true, reason: `hpa ${hpa}: target not crossed during ${window.label}, scale-out not required` });
      continue;
    }
    const why = crossing(crossed) ?? '';
    // Replicas wanted when the target was crossed: the latest sample at or before it.
    const startDesired = crossed.desired;
    const maxed = mine.find((s) => s.at >= crossed.at && s.max > 0 && s.desired >= s.max && crossing(s) !== undefined);
    if (maxed) {
      out.push({ hpa, ok: false, reason: `hpa ${hpa} maxed out: ${maxed.desired} desired = maxReplicas ${maxed.max} while ${crossing(maxed)} (${secs(maxed.at - crossed.at)} after crossing in ${window.label})` });
      continue;
    }
    const rose = mine.find((s) => s.at >= crossed.at && s.at - crossed.at <= withinMs && s.desired > startDesired);
    if (rose) {
      out.push({ hpa, ok: true, reason: `hpa ${hpa} scaled out: desired ${startDesired} -> ${rose.desired} ${secs(rose.at - crossed.at)} after ${why}` });
      continue;
    }
    const lastSeen = mine[mine.length - 1]?.at ?? crossed.at;
    const watched = lastSeen - crossed.at;
    out.push({
      hpa, ok: false,
      ...(watched < withinMs ? { pending: true } : {}),
      reason: watched >= withinMs
        ? `hpa ${hpa} did not scale out within ${secs(withinMs)} of ${why} in ${window.label}: desired stayed ${startDesired}`
        : `hpa ${hpa}: ${why} in ${window.label}, desired stayed ${startDesired} for the ${secs(watched)} observed (allowed ${secs(withinMs)})`,
    });
  }
  return out;
}

/** "hpa gateway replicas (desired): 2 at +0s, 4 at +35s, 6 at +50s": the changes only, from `t0`. */
export function replicaTimeline(samples: readonly HpaSample[], t0: number): string[] {
  const names = [...new Set(samples.map((s) => s.name))];
  return names.map((hpa) => {
    const mine = samples.filter((s) => s.name === hpa).sort((a, b) => a.at - b.at);
    const points: string[] = [];
    let last: number | undefined;
    for (const s of mine) {
      if (s.desired === last) continue;
      last = s.desired;
      points.push(`${s.desired} at +${secs(s.at - t0)}`);
    }
    return `hpa ${hpa} replicas (desired): ${points.join(', ')}`;
  });
}
