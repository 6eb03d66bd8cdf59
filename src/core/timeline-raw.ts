/**
 * A timeline as another thread hands it over (structured-clone data): each
 * bucket as it is, a fine one's latencies still a plain log. A load worker
 * sends this once a second instead of the encoding: sealing ten fine buckets
 * (a histogram each, encoded) cost the worker's loop 14-58 ms at 20,000/s,
 * measured as a hole in its sends; the coordinator seals them instead.
 */
import { emptyBucket, ValueLog } from './timeline-bucket.js';
import type { Bucket, Track } from './timeline-bucket.js';

export interface RawTrack {
  phase: string;
  stage?: string;
  buckets: { index: number; reqs: number; failed: number; status: number[]; hdr: string; log?: Uint32Array }[];
}

export interface RawTimeline {
  intervalMs: number;
  tracks: RawTrack[];
}

/** A track's buckets as they are (its live interval closed by the caller), copied. */
export function trackRaw(t: Track): RawTrack {
  const buckets = [...t.buckets].map(([index, b]) => ({
    index, reqs: b.reqs, failed: b.failed, status: [...b.status], hdr: b.hdr, ...(b.log ? { log: b.log.values32() } : {}),
  }));
  return { phase: t.phase, ...(t.stage !== undefined ? { stage: t.stage } : {}), buckets };
}

/** A handed-over track's buckets, by absolute interval index. */
export function rawBuckets(r: RawTrack): [number, Bucket][] {
  return r.buckets.map((b) => {
    const bucket: Bucket = { ...emptyBucket(), reqs: b.reqs, failed: b.failed, status: [...b.status], hdr: b.hdr };
    if (b.log) bucket.log = ValueLog.of(b.log);
    return [b.index, bucket];
  });
}
