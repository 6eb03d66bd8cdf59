/**
 * The `stage` tag of a k6 load request, as the node engine tags its samples:
 * k6's ramping-arrival-rate does not tag by stage itself, so each request
 * works out its stage from the time since the scenario started and the same
 * rate profile the node engine schedules from.
 */
import type { K6Plan } from '../../../src/contract/k6-plan.js';
import { rateProfile } from '../../../src/net/load/schedule.js';

/** Pure: the stage tag value at `elapsedMs` into a staged load (the last stage after the end). */
export function stageAt(workload: K6Plan['load']['workload'], elapsedMs: number): string | undefined {
  if (workload.model !== 'staged') return undefined;
  const profile = rateProfile(workload);
  const seg = profile.segments.find((s) => elapsedMs < s.startMs + s.durationMs) ?? profile.segments[profile.segments.length - 1];
  return seg === undefined ? undefined : profile.stageNames[seg.stage];
}
