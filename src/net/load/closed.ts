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
import { LoadRun, type LoadSlot } from './run-state.js';
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
