/**
 * The closed model on undici, for requests the raw client cannot frame. Its
 * own module, loaded only when a run needs it (like undici-open.ts).
 */
import type { Client, Dispatcher } from 'undici';
import { ClosedModel, workerCount } from './closed.js';
import { dispatchOptions, workerClients } from './dispatchers.js';
import { Slot } from './slot.js';
import type { LoadOptions } from './types.js';

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
