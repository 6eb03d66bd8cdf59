/**
 * k6 execution-segment arithmetic for parallel runners: runner i of n takes
 * the segment [i/n, (i+1)/n) of the workload. Shares are floor differences so
 * they always add up to the exact total, never more, never less.
 */
import { GoliveError } from '../core/errors.js';
import type { Workload } from '../contract/plan.js';

export interface Segment {
  index: number;
  count: number;
}

/** `i/n` (0-based index, as JOB_COMPLETION_INDEX gives it). */
export function parseSegment(text: string): Segment {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index >= count) {
    throw new GoliveError('GOLIVE_USAGE', `--segment: expected INDEX/COUNT with 0 <= INDEX < COUNT, e.g. 0/3, got "${text}"`);
  }
  return { index, count };
}

/**
 * The share of `total` that falls in the segment, as k6 stripes a sequence of
 * equal segments (ExecutionSegmentSequence.ScaleInt64): every runner gets
 * floor(total/count), and the first total % count runners one more. The same
 * arithmetic in both engines, so a k6 runner's `count>=` threshold asks for
 * exactly what k6 sends (301 over 3: 101, 100, 100).
 */
export function share(total: number, seg: Segment): number {
  return Math.floor(total / seg.count) + (seg.index < total % seg.count ? 1 : 0);
}

/** The boundaries of `count` equal segments as k6 writes them: 0, 1/3, 2/3, 1. */
function segmentPoints(count: number): string[] {
  return Array.from({ length: count + 1 }, (_, i) => (i === 0 ? '0' : i === count ? '1' : `${i}/${count}`));
}

/** k6's --execution-segment-sequence for `count` runners, e.g. `0,1/3,2/3,1`. */
export function k6SegmentSequence(count: number): string {
  return segmentPoints(count).join(',');
}

/** k6's --execution-segment / --execution-segment-sequence values for the runner. */
export function k6SegmentArgs(seg: Segment): { segment: string; sequence: string } {
  const points = segmentPoints(seg.count);
  return { segment: `${points[seg.index]}:${points[seg.index + 1]}`, sequence: k6SegmentSequence(seg.count) };
}

export function segmentWorkload(w: Workload, seg: Segment | undefined): Workload {
  if (!seg || seg.count === 1) return w;
  if (w.model === 'closed') {
    return { ...w, requests: share(w.requests, seg), concurrency: Math.max(1, share(w.concurrency, seg)) };
  }
  const maxInFlight = Math.max(1, share(w.maxInFlight, seg));
  if (w.model === 'staged') {
    // Every runner follows the same stages at its share of each rate, so the
    // stage boundaries (and the stage tags) line up when results are merged.
    return { ...w, startRate: w.startRate / seg.count, stages: w.stages.map((s) => ({ ...s, target: s.target / seg.count })), maxInFlight };
  }
  return { ...w, rate: w.rate / seg.count, maxInFlight };
}
