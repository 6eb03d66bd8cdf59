/**
 * Run a callback no earlier than a deadline on a monotonic clock, with timers
 * rather than busy loops. Node's setTimeout counts from the event loop's cached
 * time and can fire up to ~1 ms early, so the deadline is re-checked on firing
 * and the last sub-millisecond is waited out with setImmediate: a configured
 * latency of 50 ms is never measured as 49.
 */
export interface Timers {
  /** run `fn` once now >= max(due, hold()); `hold` is re-read, so a stall that begins meanwhile still holds */
  at(due: number, hold: () => number, fn: () => void): void;
  /** drop everything pending (server close) */
  cancelAll(): void;
}

type Handle = { kind: 'timeout'; h: NodeJS.Timeout } | { kind: 'immediate'; h: NodeJS.Immediate };

export function createTimers(now: () => number): Timers {
  const pending = new Set<Handle>();
  let cancelled = false;

  const at = (due: number, hold: () => number, fn: () => void): void => {
    if (cancelled) return;
    const remaining = Math.max(due, hold()) - now();
    if (remaining <= 0) return fn();
    const again = (): void => {
      pending.delete(handle);
      at(due, hold, fn);
    };
    const handle: Handle =
      remaining >= 1
        ? { kind: 'timeout', h: setTimeout(again, Math.floor(remaining)) }
        : { kind: 'immediate', h: setImmediate(again) };
    pending.add(handle);
  };

  return {
    at,
    cancelAll() {
      cancelled = true;
      for (const p of pending) {
        if (p.kind === 'timeout') clearTimeout(p.h);
        else clearImmediate(p.h);
      }
      pending.clear();
    },
  };
}
