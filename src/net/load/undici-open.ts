/**
 * The open model on undici, for requests the raw client cannot frame. Its
 * own module, loaded only when a run needs it: a --workers thread on the raw
 * client then never loads undici.
 */
import type { Dispatcher, Pool } from 'undici';
import { arrivalPool, dispatchOptions } from './dispatchers.js';
import { OpenModel } from './open.js';
import { Slot } from './slot.js';
import type { ArrivalWorkload, LoadOptions } from './types.js';

/** The open model on undici: for requests the raw client leaves to it. */
export class OpenLoad extends OpenModel<Slot> {
  private readonly pool: Pool;
  private readonly dispatchOpts: Dispatcher.DispatchOptions[];

  constructor(opts: LoadOptions, w: ArrivalWorkload) {
    super(opts, w, w.maxInFlight);
    this.dispatchOpts = (opts.mix?.requests ?? [opts.request]).map((r) => dispatchOptions(r, opts.timeoutMs));
    // As many connections as requests may be in flight: a slow response must
    // not hold a later arrival back in the client's queue.
    this.pool = arrivalPool(opts.origin, w.maxInFlight, { timeoutMs: opts.timeoutMs, ca: opts.ca });
  }

  protected newSlot(): Slot {
    return new Slot(this, this.pool);
  }

  protected dispatch(slot: Slot): void {
    slot.dispatcher.dispatch(this.dispatchOpts[slot.request] ?? (this.dispatchOpts[0] as Dispatcher.DispatchOptions), slot);
  }

  protected async destroyDispatchers(): Promise<void> {
    this.stopTimers();
    await this.pool.destroy().catch(() => undefined);
  }
}
