/**
 * Closed model, like `ab -k -n N -c C`: C workers, each with its own
 * keep-alive connection, each sending its next request as soon as the
 * previous one settled, until N have been started. Latency runs from the
 * moment the request is written to the last body byte, like ab's "Total": it
 * includes the server's time and reading the whole body, and for the first
 * request on a connection also connecting (measured from dispatch); the
 * event-loop turn undici waits before reusing a socket is left out, because
 * it is the client's overhead, not the target's.
 */
import type { Client } from 'undici';
import { workerClients } from './dispatchers.js';
import { LoadRun } from './run-state.js';
import { Slot } from './slot.js';
import type { LoadOptions } from './types.js';

export class ClosedLoad extends LoadRun {
  private readonly clients: Client[];

  constructor(opts: LoadOptions, private readonly requests: number, concurrency: number) {
    super(opts, requests);
    const workers = Math.max(1, Math.min(concurrency, requests));
    this.clients = workerClients(opts.origin, workers, { timeoutMs: opts.timeoutMs, ca: opts.ca });
    const now = (): number => opts.clock.now();
    for (const c of this.clients) {
      const slot = new Slot(this, c);
      slot.measureFromWrite = now;
      c.on('connect', () => { slot.freshConnection = true; });
      this.slots.push(slot);
    }
  }

  protected begin(): void {
    for (const slot of this.slots) {
      if (this.stopped || this.started >= this.requests) break;
      const now = this.opts.clock.now();
      this.send(slot, now, now);
    }
  }

  protected next(slot: Slot): void {
    if (this.started >= this.requests) return;
    const now = this.opts.clock.now();
    this.send(slot, now, now);
  }

  protected exhausted(): boolean {
    return this.started >= this.requests;
  }

  protected async destroyDispatchers(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.destroy().catch(() => undefined)));
  }
}
