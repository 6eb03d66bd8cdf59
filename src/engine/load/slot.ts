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

export interface SlotOwner {
  settle(slot: Slot, error: Error | undefined): void;
}

export class Slot {
  /** where latency is measured from (send time or scheduled time) */
  t0 = 0;
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
  /** when the request was handed to its connection: the timeout runs from here */
  sentAt = 0;
  busy = false;
  /** cancelled by an abort: settles without a sample */
  cancelled = false;
  status = 0;
  bytes = 0;
  private abortFn: ((err?: Error) => void) | null = null;

  constructor(private readonly owner: SlotOwner, readonly dispatcher: Dispatcher) {}

  begin(t0: number, sentAt: number): void {
    this.t0 = t0;
    this.sentAt = sentAt;
    this.busy = true;
    this.cancelled = false;
    this.status = 0;
    this.bytes = 0;
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

  onHeaders(statusCode: number): boolean {
    this.status = statusCode;
    return true;
  }

  onData(chunk: Buffer): boolean {
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
