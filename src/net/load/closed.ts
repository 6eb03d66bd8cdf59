/**
 * Closed model, like `ab -k -n N -c C`: C workers, each with its own
 * keep-alive connection, each sending its next request as soon as the
 * previous one settled, until N have been started. Latency runs from the
 * moment the request is written to the last body byte, like ab's "Total": it
 * includes the server's time and reading the whole body, and for the first
 * request on a connection also connecting (measured from dispatch). The raw
 * client (raw-client.ts) writes at dispatch; on undici, the event-loop turn
 * it waits before reusing a socket is left out, because it is the client's
 * overhead, not the target's.
 */
import type { Client, Dispatcher } from 'undici';
import { dispatchOptions, workerClients } from './dispatchers.js';
import { LoadRun, type LoadSlot } from './run-state.js';
import { Slot } from './slot.js';
import type { LoadOptions } from './types.js';

/** The closed model's schedule, whatever carries the requests. */
export abstract class ClosedModel<S extends LoadSlot> extends LoadRun<S> {
  constructor(opts: LoadOptions, private readonly requests: number) {
    super(opts, requests);
  }

  protected begin(): void {
    for (const slot of this.slots) {
      if (this.stopped || this.started >= this.requests) break;
      const now = this.opts.clock.now();
      this.send(slot, now, now);
    }
  }

  protected next(slot: S): void {
    if (this.started >= this.requests) return;
    const now = this.opts.clock.now();
    this.send(slot, now, now);
  }

  protected exhausted(): boolean {
    return this.started >= this.requests;
  }
}

/** workers for a run of `requests` at `concurrency` */
export function workerCount(requests: number, concurrency: number): number {
  return Math.max(1, Math.min(concurrency, requests));
}

/** The closed model on undici: for what the raw client leaves to it. */
export class ClosedLoad extends ClosedModel<Slot> {
  private readonly clients: Client[];
  private readonly dispatchOpts: Dispatcher.DispatchOptions[];

  constructor(opts: LoadOptions, requests: number, concurrency: number) {
    super(opts, requests);
    this.dispatchOpts = (opts.mix?.requests ?? [opts.request]).map((r) => dispatchOptions(r, opts.timeoutMs));
    const workers = workerCount(requests, concurrency);
    this.clients = workerClients(opts.origin, workers, { timeoutMs: opts.timeoutMs, ca: opts.ca });
    const now = (): number => opts.clock.now();
    for (const c of this.clients) {
      const slot = new Slot(this, c);
      slot.measureFromWrite = now;
      c.on('connect', () => { slot.freshConnection = true; });
      this.slots.push(slot);
    }
  }

  protected dispatch(slot: Slot): void {
    slot.dispatcher.dispatch(this.dispatchOpts[slot.request] ?? (this.dispatchOpts[0] as Dispatcher.DispatchOptions), slot);
  }

  protected async destroyDispatchers(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.destroy().catch(() => undefined)));
  }
}
