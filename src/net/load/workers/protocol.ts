/**
 * What the coordinator (run-workers.ts) and a load worker thread
 * (worker-main.ts) send each other. Everything is structured-clone data: the
 * worker records its own samples into its own histograms and sends them,
 * encoded (the timeline's fine intervals as raw logs), once a second and at
 * the end; the coordinator merges them exactly.
 */
import type { SerializedSeries } from '../../../core/metrics.js';
import type { RawTimeline } from '../../../core/timeline.js';
import type { ArrivalShare } from '../schedule.js';
import type { ArrivalWorkload, LoadMix, LoadRequest, LoadStats } from '../types.js';

/** How a worker tags its samples: the load phase's sample recorder, as data. */
export interface RecordSpec {
  base: Record<string, string>;
  stageNames?: string[];
  /** with a mix: each request's tags and the statuses it expects (100-599) */
  mix?: { tags: Record<string, string>; expected: number[] }[];
}

export interface WorkerInput {
  origin: string;
  request: LoadRequest;
  mix?: LoadMix;
  /** the schedule, with this worker's part of max-in-flight */
  workload: ArrivalWorkload;
  share: ArrivalShare;
  timeoutMs: number;
  ca?: string;
  maxScheduleLagMs?: number;
  record: RecordSpec;
}

/** What was measured since the last flush: merge it, then forget it. */
export interface Flush {
  type: 'flush';
  series: SerializedSeries[];
  timeline: RawTimeline;
  errors: [string, number][];
  badStatuses: [number, number][];
  unexpected: number;
  /** requests settled since the last flush */
  settled: number;
}

export type FromWorker =
  | { type: 'ready' }
  | Flush
  | { type: 'done'; stats: LoadStats }
  | { type: 'failed'; message: string };

export type ToWorker =
  /** start: the schedule's time 0, epoch ms (performance.timeOrigin + performance.now()) */
  | { type: 'go'; startEpochMs: number }
  | { type: 'abort' };
