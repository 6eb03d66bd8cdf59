/**
 * Open model: arrival k is due when the rate profile (constant, or the
 * stages) says so, whatever the target is doing, and its latency runs from
 * that scheduled time, so a stalled server (or a late load generator) shows
 * up in the percentiles instead of silently thinning the load (no coordinated
 * omission). One loop releases every due arrival in order (pacer.ts): no timer
 * per request. It sleeps on a timer until just before the next arrival, then
 * waits out the rest precisely, because Node's timers fire up to a
 * millisecond late and that millisecond would land in every latency: with
 * nothing in flight it sleeps on a futex (Atomics.wait, no CPU), otherwise it
 * turns the event loop, reading responses, until the arrival is due. It also
 * looks at the schedule after every response.
 * Connections are opened as arrivals need them, up to maxInFlight; an arrival
 * that finds all of them busy is dropped, never delayed. After the last
 * arrival the run waits for what is in flight (each bounded by timeoutMs).
 */
import { Pacer, type ArrivalSink } from './pacer.js';
import { LoadRun, type LoadSlot } from './run-state.js';
import { rateProfile, type RateProfile } from './schedule.js';
import type { ArrivalWorkload, LoadOptions, LoadStats } from './types.js';

/** Sleep on a timer only when the next arrival is further away than this (ms). */
const SPIN_MS = 1.5;
/**
 * With a response on its way and the next arrival further away than this
 * (ms), wait for the response in the event loop instead of spinning: a busy
 * loop holds the core that the kernel wakes a loopback target on (wake
 * affinity), and the target's answer then waits out our time slice (measured:
 * p99 3 ms on a 0.05 ms nginx at 500/s).
 */
const YIELD_MS = 0.25;
/**
 * Arrivals closer together than this (ms, per thread) are sent without
 * spinning: waiting for a due time precisely costs up to SLACK_MS of busy CPU
 * per arrival (and every turn of the loop while a response is out), which at
 * this pace is the whole core. A spinning thread then takes the core the
 * target (or another load thread, --workers) needs: measured on 2 cores, two
 * spinning threads sustained a third of one thread's rate against nginx.
 * Below this pace the thread sleeps on the futex to the due time (woken up to
 * ~50 µs late by the kernel's timer slack) and, with a response out, waits
 * for it in the event loop: responses arrive about as often as arrivals are
 * due, and each one releases what is due (next()).
 */
const SPIN_GAP_MS = 0.4;
/** An arrival released later than this many times the allowed lag is dropped as ours. */
const LATE_FACTOR = 20;
/**
 * A second late is a generator that stopped, not a busy one: sending such an
 * arrival would only burst. Anything less late is sent, and its lag judged by
 * what it could change (thresholds/load-evidence.ts).
 */
const MIN_LATE_MS = 1000;
/** Without a strict limit, a drop at max-in-flight released this late (ms) may be ours (droppedLate). */
const DROP_LATE_MS = 5;
const MAX_PER_TURN = 1024;
/**
 * Connections opened before the schedule starts: enough for this many ms of
 * arrivals at the thread's peak rate (at most maxInFlight, none below
 * 500/s). Opened lazily instead, the first arrivals of a fast run each wait
 * for a connect on a cold thread, the wait piles up more connects, and the
 * first 100 ms measured p95 50-80 ms with drops at max-in-flight on nginx at
 * 10,000-20,000/s: golive's start-up, counted against the target.
 */
const AHEAD_MS = 10;
const MAX_AHEAD = 256;
/** how long connecting ahead may take before the run starts anyway (ms) */
const AHEAD_WITHIN_MS = 1000;
/** how much earlier than due a futex sleep ends (Linux adds ~50 µs of timer slack) */
const SLACK_MS = 0.15;
/** a futex to sleep on with sub-millisecond precision (nobody ever wakes it) */
const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

/** The open model's schedule and pool, whatever carries the requests. */
export abstract class OpenModel<S extends LoadSlot> extends LoadRun<S> implements ArrivalSink {
  protected readonly pacer: Pacer;
  private readonly free: S[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  /** the pump waits for a response (next() wakes it), its timer only bounds the wait */
  private yielding = false;
  /** a worker thread's shared start (share.start), on the clock */
  private startAt: number | undefined;

  constructor(opts: LoadOptions, w: ArrivalWorkload, private readonly maxInFlight: number) {
    const profile = rateProfile(w);
    const maxLagMs = opts.maxScheduleLagMs ?? DROP_LATE_MS;
    const pacer = new Pacer(profile, { maxLagMs, lateMs: Math.max(MIN_LATE_MS, LATE_FACTOR * maxLagMs), maxPerTurn: MAX_PER_TURN }, opts.share);
    super(opts, pacer.schedule.shareTotal);
    this.pacer = pacer;
    this.measuresTarget = true;
  }

  /** a new carrier for one request at a time (its connection opens on first use) */
  protected abstract newSlot(): S;

  /** opens the slot's connection ahead of its first request; a carrier without it opens on first use */
  protected preconnect?(slot: S, withinMs: number): Promise<void>;

  protected override async prepare(): Promise<void> {
    const connect = this.preconnect?.bind(this);
    if (connect) {
      const ahead = Array.from({ length: connectionsAhead(this.pacer.profile, this.opts.share?.of ?? 1, this.maxInFlight) }, () => this.newSlot());
      this.slots.push(...ahead);
      this.free.push(...ahead);
      await Promise.all(ahead.map((s) => connect(s, Math.min(AHEAD_WITHIN_MS, this.opts.timeoutMs))));
    }
    // a worker thread says it is ready only now, so the shared start never finds one still connecting
    if (this.opts.share) this.startAt = await this.opts.share.start();
  }

  protected begin(): void {
    this.pacer.t0 = this.startAt ?? this.opts.clock.now();
    this.pump();
  }

  private readonly pump = (): void => {
    this.timer = undefined;
    this.immediate = undefined;
    this.yielding = false;
    for (let round = 0; ; round++) {
      if (this.stopped) return;
      const more = this.pacer.release(this.opts.clock.now(), this);
      if (this.pacer.done) {
        this.checkDone();
        return;
      }
      const wait = more ? 0 : this.pacer.nextDue - this.opts.clock.now();
      if (wait > SPIN_MS + 1) {
        this.timer = setTimeout(this.pump, Math.floor(wait - SPIN_MS));
        return;
      }
      const frugal = this.pacer.gapMs < SPIN_GAP_MS;
      if (wait > 0 && this.inFlight === 0 && round < 3) {
        // Nothing to read: sleep the last sub-millisecond on a futex instead of
        // turning the loop (which burns the CPU the target needs), waking a
        // little early (the kernel's timer slack) to spin the final stretch.
        const asleep = performance.now();
        if (frugal) Atomics.wait(SLEEPER, 0, 0, wait);
        else if (wait > SLACK_MS) Atomics.wait(SLEEPER, 0, 0, wait - SLACK_MS);
        this.sleptOffLoop(performance.now() - asleep);
        if (!frugal) {
          const until = performance.now() + Math.min(SLACK_MS, this.pacer.nextDue - this.opts.clock.now());
          while (performance.now() < until);
        }
        continue;
      }
      if (wait > 0 && this.inFlight > 0 && (wait > YIELD_MS || frugal)) {
        // Timers fire late by up to a millisecond, so this one is only the
        // bound: the response normally lands first and next() resumes the
        // pump, which then sleeps the rest precisely with nothing in flight.
        this.yielding = true;
        this.timer = setTimeout(this.pump, Math.max(0, Math.floor(wait - 1)));
        return;
      }
      this.immediate = setImmediate(this.pump);
      return;
    }
  };

  trySend(dueAt: number, stage: number, now: number): boolean {
    let slot = this.free.pop();
    if (slot === undefined) {
      if (this.slots.length >= this.maxInFlight) return false;
      slot = this.newSlot();
      this.slots.push(slot);
    }
    slot.stage = stage;
    this.opts.onLag?.(now - dueAt, stage);
    this.send(slot, dueAt, now);
    return true;
  }

  protected next(slot: S): void {
    this.free.push(slot);
    // A response is a free moment to look at the schedule; the loop's own
    // wake-up stays armed and finds less to do.
    const now = this.opts.clock.now();
    if (this.pacer.nextDue <= now) this.pacer.release(now, this);
    if (this.yielding && this.inFlight === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.yielding = false;
      this.immediate = setImmediate(this.pump);
    }
  }

  protected exhausted(): boolean {
    return this.pacer.done;
  }

  protected override stats(): Partial<LoadStats> {
    let behind = 0;
    let maxInFlight = 0;
    for (const s of this.pacer.stages) {
      behind += s.droppedBehind;
      maxInFlight += s.droppedMaxInFlight;
    }
    return { dropped: maxInFlight, droppedBehind: behind, stages: this.pacer.stages.map((s) => ({ ...s })), profile: this.pacer.profile };
  }

  protected stopTimers(): void {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }
}

/** How many connections to open before the run (pure): AHEAD_MS of arrivals at the thread's peak rate. */
export function connectionsAhead(profile: RateProfile, threads: number, maxInFlight: number): number {
  const peak = Math.max(0, ...profile.segments.map((s) => Math.max(s.fromRate, s.toRate))) / Math.max(1, threads);
  if (peak < 500) return 0;
  return Math.min(maxInFlight, MAX_AHEAD, Math.ceil((peak * AHEAD_MS) / 1000));
}
