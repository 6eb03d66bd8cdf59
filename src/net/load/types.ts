/**
 * The load generator's contract. The caller (the load phase, the bench)
 * records every sample into its histograms and judges statuses; the generator
 * only sends, times and counts.
 */
import type { Workload } from '../../contract/plan.js';
import type { Clock } from '../../core/clock.js';
import type { StageCounts } from './pacer.js';
import type { ArrivalShare, RateProfile } from './schedule.js';
import type { CapturedResponse, LoadCapture } from './capture.js';

export interface LoadRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadSample {
  /** HTTP status of the final response; 0 when no response arrived */
  status: number;
  /**
   * Closed model: from writing the request to the last body byte (ab's
   * "Total"); the first request on a connection counts from dispatch, so
   * connecting is included.
   * Open model: from the SCHEDULED send time to the last body byte, so time a
   * request spent waiting because the target (or we) stalled is included.
   */
  durationMs: number;
  /**
   * Open model: the target's part of the request, from handing it to the
   * connection (bytes written) to the last body byte: durationMs without
   * golive's schedule lag. Undefined in the closed model (durationMs is that).
   */
  targetMs?: number | undefined;
  /**
   * The part of the request golive can prove was the target's: from bytes
   * written to the end of golive's last sleep before it read the answer
   * (sleep-floor.ts). Undefined where the kernel keeps no run delay.
   */
  floorMs?: number | undefined;
  /** one-line cause when status is 0, e.g. 'timeout', 'ECONNREFUSED' */
  error?: string;
  /** response body bytes received (the body is always consumed fully) */
  bytes?: number;
  /** open model: index of the stage the arrival was scheduled in (0 for a constant rate) */
  stage?: number;
  /** with a mix: index of the request in `mix.requests` (0 without one) */
  request?: number;
  /** a response `capture` chose to keep: valid only during onSample */
  response?: CapturedResponse | undefined;
}

/** A weighted mix of requests: each arrival (or closed-model request) takes the next of a fixed weighted cycle. */
export interface LoadMix {
  requests: readonly LoadRequest[];
  /** one per request, not all zero */
  weights: readonly number[];
}

/** The workloads with a schedule: a constant rate, or stages. */
export type ArrivalWorkload = Exclude<Workload, { model: 'closed' }>;

/** Event-loop delay while the load ran (perf_hooks.monitorEventLoopDelay), ms. */
export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

export interface LoadOptions {
  /** e.g. http://127.0.0.1:8080 (http or https) */
  origin: string;
  request: LoadRequest;
  /** instead of `request`: several requests by weight (`request` is then the first) */
  mix?: LoadMix;
  workload: Workload;
  /** per request, from the moment it is handed to the connection */
  timeoutMs: number;
  /** abort: stop sending, cancel what is in flight (no samples for those), resolve */
  signal: AbortSignal;
  clock: Clock;
  /** extra PEM CA, added to the default roots; verification stays on */
  ca?: string;
  /**
   * called once for every request that got a response or failed; the sample
   * object is reused for the next one: copy what you keep
   */
  onSample(sample: LoadSample): void;
  /** open model: per request sent, ms from its scheduled time to handing it to the connection */
  onLag?(lagMs: number, stage: number): void;
  /**
   * open model, opt-in strict limit (ms); without it 5 ms: a drop at
   * max-in-flight released this late is counted as possibly ours
   * (droppedLate), an arrival released 20x this late (at least 1 s) is
   * dropped as ours
   */
  maxScheduleLagMs?: number | undefined;
  /**
   * keep the head and (capped) body of the responses it chooses, for the
   * API's contract; without it no body byte is copied
   */
  capture?: LoadCapture | undefined;
  /** throttled to about ten calls a second, plus one at the end */
  onProgress?(done: number, total?: number): void;
  /**
   * open model in a worker thread (workers/): send only this share of the
   * schedule. `start` is called once this thread's connections are open
   * (ahead) and resolves with the schedule's start on `clock`, the same
   * instant for every worker, instead of the moment the run begins
   */
  share?: ArrivalShare & { start(): Promise<number> };
}

export interface LoadStats {
  /** requests handed to a connection */
  started: number;
  /** requests that got a full response, whatever its status */
  completed: number;
  /** requests with no response (timeout, connection error) */
  failed: number;
  /**
   * GET requests resent once on a fresh connection because the reused
   * keep-alive connection they were written to closed before any byte of an
   * answer (the server's idle close racing our write); each is one request
   */
  staleRetries: number;
  /** open model: arrivals not sent because maxInFlight requests were already in flight (the target's side) */
  dropped: number;
  /** open model: arrivals not sent because the generator itself was too late (our side) */
  droppedBehind: number;
  /** open model: per stage (one for a constant rate), what was scheduled, sent and dropped */
  stages: StageCounts[];
  /** open model: the schedule the counts refer to */
  profile?: RateProfile;
  eventLoopDelay: LoopDelay;
  /** CPU time golive's process used while the load ran (user + system), ms */
  cpuMs: number;
  /** time golive's event-loop thread was ready to run but waited for a CPU while the load ran, ms (Linux only) */
  cpuWaitMs?: number;
  /**
   * --workers: what golive's load threads together wanted of the machine (CPU used by the whole process plus
   * each thread's wait for a CPU) as a share of its CPUs. Near 1 they could keep the target from a CPU, so one
   * thread's sleep no longer proves the target's part.
   */
  machineShare?: number;
  elapsedMs: number;
  /** the signal fired before the workload was done; started - completed - failed were cancelled */
  aborted: boolean;
}
