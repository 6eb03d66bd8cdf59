/**
 * Timeouts that hold. `AbortSignal.timeout()` keeps its timer only through a
 * weak reference once it is combined by `AbortSignal.any()`: after a garbage
 * collection it may never fire (nodejs/node#57736), and a target that drips
 * one byte at a time then holds a request until the run deadline. Here the
 * pending timer itself holds the controller, so it fires whatever the GC
 * does; the caller clears it once the request (body included) is done.
 */

/** Node's timers are 32-bit signed milliseconds; above this they fire after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface Deadline {
  /** aborted by the parent (with its reason) or at the timeout (a TimeoutError) */
  readonly signal: AbortSignal;
  /** true once the timeout itself fired */
  timedOut(): boolean;
  /** stops the timer and detaches from the parent; call when the work is done */
  clear(): void;
}

export function timeoutError(ms: number): DOMException {
  return new DOMException(`timed out after ${ms} ms`, 'TimeoutError');
}

export function withTimeout(parent: AbortSignal | undefined, ms: number): Deadline {
  if (!(ms > 0 && ms <= MAX_TIMER_MS)) {
    // Node would fire an overflowing timer after 1 ms: a fault of ours, named as one.
    throw Object.assign(new RangeError(`timeout ${ms} ms is outside 1..${MAX_TIMER_MS} ms`), { code: 'ERR_OUT_OF_RANGE' });
  }
  const ctl = new AbortController();
  let fired = false;
  const onParent = (): void => { ctl.abort(parent?.reason); };
  const timer = setTimeout(() => {
    fired = true;
    ctl.abort(timeoutError(ms));
  }, ms);
  if (parent?.aborted) onParent();
  else parent?.addEventListener('abort', onParent, { once: true });
  return {
    signal: ctl.signal,
    timedOut: () => fired,
    clear: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}
