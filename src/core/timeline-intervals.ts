/**
 * The timeline read for windowed thresholds (src/core/windows.ts): the
 * sealed intervals of the tracks a filter selects, merged per interval.
 * Counts add; histograms are listed, not decoded, so a window merges only
 * the intervals it spans.
 */
import type { Track } from './timeline-bucket.js';

/** One interval of the tracks a filter selected: counts and their encoded histograms. */
export interface IntervalData {
  reqs: number;
  failed: number;
  /** HdrHistogram compressed base64, µs, one per track with samples */
  hdrs: string[];
}

/** `factor` intervals of the tracks make one of the result (absolute index / factor). */
export function foldIntervals(tracks: Iterable<Track>, factor: number, filter: { phase?: string; stage?: string }): Map<number, IntervalData> {
  const out = new Map<number, IntervalData>();
  for (const t of tracks) {
    if (filter.phase !== undefined && t.phase !== filter.phase) continue;
    if (filter.stage !== undefined && t.stage !== filter.stage) continue;
    for (const [i, b] of t.buckets) {
      const j = Math.floor(i / factor);
      const into = out.get(j) ?? { reqs: 0, failed: 0, hdrs: [] };
      into.reqs += b.reqs;
      into.failed += b.failed;
      if (b.hdr) into.hdrs.push(b.hdr);
      out.set(j, into);
    }
  }
  return out;
}
