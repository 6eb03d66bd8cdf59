/**
 * The open model on the raw HTTP/1.1 client (raw-client.ts): the request
 * bytes built once and written with one write, connections opened as the
 * schedule needs them (up to maxInFlight) and kept alive, the next arrival
 * released from inside the read that freed a connection when it is due.
 */
import { OpenModel } from './open.js';
import { rawEndpoint, RawWorker, type RawEndpoint } from './raw-client.js';
import type { RawTarget } from './raw-request.js';
import type { ArrivalWorkload, LoadOptions } from './types.js';

export class RawOpenLoad extends OpenModel<RawWorker> {
  private readonly endpoint: RawEndpoint;

  constructor(opts: LoadOptions, targets: readonly [RawTarget, ...RawTarget[]], w: ArrivalWorkload) {
    super(opts, w, w.maxInFlight);
    this.endpoint = rawEndpoint(targets, opts.ca);
  }

  protected newSlot(): RawWorker {
    return new RawWorker(this, this.endpoint);
  }

  protected override preconnect(slot: RawWorker, withinMs: number): Promise<void> {
    return slot.preconnect(withinMs);
  }

  protected dispatch(slot: RawWorker): void {
    slot.send();
  }

  protected async destroyDispatchers(): Promise<void> {
    this.stopTimers();
    for (const w of this.slots) w.close();
  }
}
