/**
 * What both load models share: counters, the sample callback, throttled
 * progress, the end-to-end timeout sweeper, abort handling and the promise
 * that resolves when the last request has settled.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mixCycle } from './mix-cycle.js';
import { describeError, LoadTimeoutError } from './describe-error.js';
import type { LoadOptions, LoadSample, LoadStats } from './types.js';
import { runQueueWaitMs } from './cpu-wait.js';
import { ResponseCapture } from './capture.js';
import { sleepFloor, type SleepFloor } from './sleep-floor.js';

const PROGRESS_EVERY_MS = 100;
/** Responses kept at once, whatever the concurrency: what a contract may hold in memory is this times the cap. */
export const MAX_CAPTURES_IN_FLIGHT = 32;

/**
 * One request in flight at a time, reused for every request it carries: the
 * state the run reads, whatever carries the request (undici or the raw client).
 */
export abstract class LoadSlot {
  /** where latency is measured from (send time or scheduled time) */
  t0 = 0;
  /** when the request was handed to its connection: the timeout runs from here */
  sentAt = 0;
  busy = false;
  /** cancelled by an abort: settles without a sample */
  cancelled = false;
  status = 0;
  bytes = 0;
  /** open model: the stage the current arrival belongs to */
  stage = 0;
  /** with a mix: which request this one is */
  request = 0;
  /** the current response is kept (LoadOptions.capture chose it) */
  capture: ResponseCapture | null = null;
  /** this slot's capture, made on first use and reused */
  private kept: ResponseCapture | undefined;

  /** Keeps the next response (call before begin). */
  keep(maxBytes: number): void {
    const c = (this.kept ??= new ResponseCapture(maxBytes));
    c.reset();
    this.capture = c;
  }

  /** Starts a request; a carrier that keeps more per request resets it too. */
  begin(t0: number, sentAt: number): void {
    this.t0 = t0;
    this.sentAt = sentAt;
    this.busy = true;
    this.cancelled = false;
    this.status = 0;
    this.bytes = 0;
  }

  /** fails the request in flight with err (it then settles), if it can be reached */
  abstract abort(err: Error): void;
}

/** Where a slot reports its request settled: the run. */
export interface SlotOwner<S extends LoadSlot> {
  settle(slot: S, error: Error | undefined): void;
  /** the slot resent its request on a fresh connection (a reused one died before answering) */
  resent(): void;
}

export abstract class LoadRun<S extends LoadSlot> implements SlotOwner<S> {
  started = 0;
  completed = 0;
  failed = 0;
  inFlight = 0;
  staleRetries = 0;
  /** no more requests will be sent: workload done, aborted or a callback threw */
  stopped = false;
  aborted = false;
  readonly slots: S[] = [];
  /** when the run began, after prepare(): connecting ahead is not part of its elapsed time */
  private startedAt: number;
  private lastProgress: number;
  private callbackError: { error: unknown } | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private resolveDone!: () => void;
  private readonly done = new Promise<void>((r) => { this.resolveDone = r; });
  /** handed to onSample for every request, refilled each time: no object per request */
  private readonly sample: LoadSample = { status: 0, durationMs: 0, targetMs: undefined, floorMs: undefined, error: undefined, bytes: 0, stage: 0, response: undefined };
  /** responses kept and not yet settled */
  private capturing = 0;
  /** open model: latency runs from the scheduled time, so the target's own part is reported apart */
  protected measuresTarget = false;
  /** where golive's loop last slept: what of each request is provably the target's (made in run(), on the loop's own thread) */
  private floor: SleepFloor | undefined;
  private readonly onAbort = (): void => {
    this.aborted = true;
    this.abortAll();
  };

  /** with a mix: the request index of each send, repeating (undefined: always request 0) */
  private readonly cycle: Uint16Array | undefined;

  constructor(protected readonly opts: LoadOptions, protected readonly total: number | undefined) {
    this.cycle = opts.mix && opts.mix.requests.length > 1 ? mixCycle(opts.mix.weights) : undefined;
    this.startedAt = opts.clock.now();
    this.lastProgress = this.startedAt;
  }

  /** Sends the first requests; the model keeps going from settle(). */
  protected abstract begin(): void;
  /** Called after a slot settled and its sample was delivered. */
  protected abstract next(slot: S): void;
  /** Hands the slot's (begun) request to its connection. */
  protected abstract dispatch(slot: S): void;
  /** the model has nothing more to send (besides what is in flight) */
  protected abstract exhausted(): boolean;

  /** what a model adds to the counts */
  protected stats(): Partial<LoadStats> {
    return {};
  }

  /** Runs before the first request and before any clock of the run starts (the open model connects ahead). */
  protected async prepare(): Promise<void> {
    // nothing by default
  }

  async run(): Promise<LoadStats> {
    const { signal, timeoutMs } = this.opts;
    if (!signal.aborted) await this.prepare();
    this.startedAt = this.opts.clock.now();
    this.lastProgress = this.startedAt;
    // Our own event loop's delay: a saturated generator inflates latency too.
    const eld = monitorEventLoopDelay({ resolution: 10 });
    eld.enable();
    const cpuBefore = process.cpuUsage();
    const waitBefore = runQueueWaitMs();
    this.floor = sleepFloor(this.opts.clock.now());
    if (signal.aborted) {
      this.stopped = true;
      this.aborted = true;
    } else {
      signal.addEventListener('abort', this.onAbort, { once: true });
      const period = Math.min(100, Math.max(5, timeoutMs / 10));
      this.sweeper = setInterval(() => this.sweep(), period);
      this.begin();
      this.checkDone();
      await this.done;
    }
    eld.disable();
    const cpu = process.cpuUsage(cpuBefore);
    const waitAfter = runQueueWaitMs();
    this.floor?.close();
    signal.removeEventListener('abort', this.onAbort);
    clearInterval(this.sweeper);
    await this.destroyDispatchers();
    const done = this.completed + this.failed;
    this.opts.onProgress?.(done, this.total);
    if (this.callbackError) throw this.callbackError.error;
    return {
      started: this.started,
      completed: this.completed,
      failed: this.failed,
      dropped: 0,
      droppedBehind: 0,
      stages: [],
      elapsedMs: this.opts.clock.now() - this.startedAt,
      aborted: this.aborted,
      staleRetries: this.staleRetries,
      eventLoopDelay: loopDelay(eld),
      cpuMs: (cpu.user + cpu.system) / 1000,
      ...(waitBefore !== undefined && waitAfter !== undefined ? { cpuWaitMs: waitAfter - waitBefore } : {}),
      ...this.stats(),
    };
  }

  protected send(slot: S, t0: number, now: number): void {
    const cycle = this.cycle;
    if (cycle !== undefined) slot.request = cycle[this.started % cycle.length] ?? 0;
    this.started++;
    this.inFlight++;
    const capture = this.opts.capture;
    if (capture !== undefined && this.capturing < MAX_CAPTURES_IN_FLIGHT && capture.want(slot.request)) {
      this.capturing++;
      slot.keep(capture.maxBytes);
    }
    slot.begin(t0, now);
    this.dispatch(slot);
  }

  /** The loop slept `ms` off the event loop (the pacer's futex): where the proof of the target's part finds its sleeps. */
  protected sleptOffLoop(ms: number): void {
    this.floor?.sleptOffLoop(ms);
  }

  resent(): void {
    this.staleRetries++;
  }

  settle(slot: S, error: Error | undefined): void {
    this.inFlight--;
    const kept = slot.capture;
    if (kept !== null) {
      this.capturing--;
      slot.capture = null;
    }
    if (!slot.cancelled) {
      const now = this.opts.clock.now();
      const durationMs = now - slot.t0;
      if (error === undefined) this.completed++;
      else this.failed++;
      try {
        const sample = this.sample;
        sample.status = error === undefined ? slot.status : 0;
        sample.durationMs = durationMs;
        sample.targetMs = this.measuresTarget ? now - slot.sentAt : undefined;
        const after = this.floor?.arrivedAfter(now);
        sample.floorMs = after === undefined ? undefined : Math.max(0, Math.min(now, after) - slot.sentAt);
        sample.error = error === undefined ? undefined : describeError(error);
        sample.bytes = slot.bytes;
        sample.stage = slot.stage;
        sample.request = slot.request;
        sample.response = kept !== null && error === undefined ? kept : undefined;
        this.opts.onSample(sample);
        if (kept !== null) kept.reset();
        if (this.opts.onProgress && now - this.lastProgress >= PROGRESS_EVERY_MS) {
          this.lastProgress = now;
          this.opts.onProgress(this.completed + this.failed, this.total);
        }
      } catch (err) {
        // A failing caller must not be swallowed by the connection's callbacks.
        this.callbackError ??= { error: err };
        this.abortAll();
      }
    }
    if (this.stopped) this.checkDone();
    else if (error === undefined) this.continueWith(slot);
    // undici errors a connection's queued requests in a loop that must not
    // see new ones, and the raw client is inside a socket's error or close
    // event: after an error the slot goes on in the next turn.
    else setImmediate(this.continueWith, slot);
  }

  private readonly continueWith = (slot: S): void => {
    if (!this.stopped) this.next(slot);
    this.checkDone();
  };

  protected checkDone(): void {
    if (this.inFlight === 0 && (this.stopped || this.exhausted())) {
      this.stopped = true;
      this.resolveDone();
    }
  }

  private sweep(): void {
    const deadline = this.opts.clock.now() - this.opts.timeoutMs;
    for (const slot of this.slots) {
      if (slot.busy && slot.sentAt <= deadline) slot.abort(new LoadTimeoutError());
    }
  }

  /** Stops sending and cancels what is in flight; those give no samples. */
  private abortAll(): void {
    this.stopped = true;
    for (const slot of this.slots) {
      if (!slot.busy) continue;
      slot.cancelled = true;
      slot.abort(new Error('aborted'));
    }
    // Requests still waiting for a connection have no abort handle yet:
    // destroying the dispatchers errors them at once.
    void this.destroyDispatchers();
    this.checkDone();
  }

  /** Closes every connection; in-flight requests error, which settles them. */
  protected abstract destroyDispatchers(): Promise<void>;
}

/** ms; the histogram counts ns and is empty (NaN) when no timer turn was seen */
function loopDelay(h: ReturnType<typeof monitorEventLoopDelay>): { p50: number; p99: number; max: number } {
  const ms = (ns: number): number => (Number.isFinite(ns) && h.count > 0 ? ns / 1e6 : 0);
  return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
}

export { mixCycle } from './mix-cycle.js';
