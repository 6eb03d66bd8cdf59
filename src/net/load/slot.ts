/**
 * One request in flight at a time, as an undici dispatch handler that is
 * reused for every request it carries: no promise, stream or header object is
 * made per request. It uses undici's original handler callbacks (onConnect,
 * onHeaders, onData, onComplete, onError) on purpose: undici 7 runs them
 * natively, while the newer onRequestStart/onResponse* API is adapted through
 * a wrapper that allocates a controller and parses the headers into an object
 * on every response.
 */
import type { Dispatcher } from 'undici';
import { LoadSlot, type SlotOwner } from './run-state.js';

export class Slot extends LoadSlot {
  /**
   * Closed model: on a reused connection, move t0 to the moment undici writes
   * the request. undici 7 waits one event-loop turn before reusing a
   * keep-alive socket; that wait is the client's, not the target's. The first
   * request on a new connection keeps its dispatch time, so connecting counts
   * (as in ab's "Total").
   */
  measureFromWrite: (() => number) | null = null;
  /** set by the connection's 'connect' event: the next request is its first */
  freshConnection = false;
  private abortFn: ((err?: Error) => void) | null = null;

  constructor(private readonly owner: SlotOwner<Slot>, readonly dispatcher: Dispatcher) {
    super();
  }

  override begin(t0: number, sentAt: number): void {
    super.begin(t0, sentAt);
    this.abortFn = null;
  }

  /** Aborts the request if it is on a connection; queued ones abort on connect. */
  abort(err: Error): void {
    const fn = this.abortFn;
    if (fn) {
      this.abortFn = null;
      fn(err);
    }
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abortFn = abort;
    if (this.cancelled) {
      this.abort(new Error('aborted'));
      return;
    }
    if (this.measureFromWrite) {
      if (this.freshConnection) this.freshConnection = false;
      else this.t0 = this.measureFromWrite();
    }
  }

  onHeaders(statusCode: number, rawHeaders?: Buffer[] | null): boolean {
    this.status = statusCode;
    if (this.capture !== null) this.capture.rawHeaders(rawHeaders);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.capture !== null) this.capture.body(chunk, 0, chunk.length);
    this.bytes += chunk.length;
    return true;
  }

  onComplete(): void {
    this.abortFn = null;
    this.busy = false;
    this.owner.settle(this, undefined);
  }

  onError(err: Error): void {
    this.abortFn = null;
    this.busy = false;
    this.owner.settle(this, err);
  }
}
