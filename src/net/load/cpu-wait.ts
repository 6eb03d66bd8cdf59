/**
 * How long golive's event-loop thread was ready to run but waited for a CPU
 * (Linux schedstat's run_delay). On a starved machine golive uses less CPU
 * than it wants, so its CPU time alone hides that its reading of responses
 * was what held them: time used plus time waited is what it wanted.
 */
import { readFileSync } from 'node:fs';

/** ms this thread has spent runnable on a run queue, or undefined where the kernel does not say (not Linux, schedstats off). */
export function runQueueWaitMs(read: (path: string) => string = (p) => readFileSync(p, 'utf8')): number | undefined {
  try {
    // "<ns on CPU> <ns waiting on a run queue> <timeslices>", of the calling thread (the event loop's)
    const waitNs = Number(read('/proc/thread-self/schedstat').trim().split(/\s+/)[1]);
    return Number.isFinite(waitNs) && waitNs >= 0 ? waitNs / 1e6 : undefined;
  } catch {
    return undefined;
  }
}
