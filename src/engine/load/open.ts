/**
 * Open model: arrival i is due at t0 + i/rate whatever the target is doing,
 * and its latency runs from that scheduled time, so a stalled server (or a
 * late load generator) shows up in the percentiles instead of silently
 * thinning the load (no coordinated omission). At most maxInFlight requests
 * are outstanding; an arrival that finds no free slot is counted as dropped,
 * never delayed. After durationSeconds no new arrivals are scheduled and the
 * run waits for what is in flight (each bounded by timeoutMs).
 */
import type { Dispatcher, Pool } from 'undici';
import { arrivalPool, dispatchOptions } from './dispatchers.js';
import { LoadRun } from './run-state.js';
import { Slot } from './slot.js';
import type { LoadOptions } from './types.js';

export class OpenLoad extends LoadRun<Slot> {
  private readonly pool: Pool;
  private readonly dispatchOpts: Dispatcher.DispatchOptions;
  private readonly free: Slot[];
  private readonly intervalMs: number;
  private readonly arrivals: number;
  private next_ = 0;
  private t0 = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(opts: LoadOptions, rate: number, durationSeconds: number, maxInFlight: number) {
    const arrivals = Math.ceil(rate * durationSeconds - 1e-9);
    super(opts, arrivals);
    this.dispatchOpts = dispatchOptions(opts.request, opts.timeoutMs);
    this.arrivals = arrivals;
    this.intervalMs = 1000 / rate;
    // As many connections as requests may be in flight: a slow response must
    // not hold a later arrival back in the client's queue.
    this.pool = arrivalPool(opts.origin, maxInFlight, { timeoutMs: opts.timeoutMs, ca: opts.ca });
    for (let i = 0; i < maxInFlight; i++) this.slots.push(new Slot(this, this.pool));
    this.free = [...this.slots];
  }

  protected begin(): void {
    this.t0 = this.opts.clock.now();
    this.tick();
  }

  /** Sends every arrival that is due, then sleeps until the next one. */
  private readonly tick = (): void => {
    this.timer = undefined;
    if (this.stopped) return;
    const now = this.opts.clock.now();
    while (this.next_ < this.arrivals) {
      const due = this.t0 + this.next_ * this.intervalMs;
      if (due > now) break;
      this.next_++;
      const slot = this.free.pop();
      if (slot) this.send(slot, due, now);
      else this.dropped++;
    }
    if (this.next_ < this.arrivals) {
      const wait = this.t0 + this.next_ * this.intervalMs - this.opts.clock.now();
      this.timer = setTimeout(this.tick, Math.max(0, wait));
    } else {
      this.checkDone();
    }
  };

  protected next(slot: Slot): void {
    this.free.push(slot);
  }

  protected dispatch(slot: Slot): void {
    slot.dispatcher.dispatch(this.dispatchOpts, slot);
  }

  protected exhausted(): boolean {
    return this.next_ >= this.arrivals;
  }

  protected async destroyDispatchers(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.pool.destroy().catch(() => undefined);
  }
}
