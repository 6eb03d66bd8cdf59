/**
 * What part of a request golive can prove was the target's. golive's loop
 * thread sleeps only with nothing to read (epoll wakes it the moment a
 * response is there; the pacer's futex sleep happens with nothing in flight),
 * so a response read at R arrived after the end of the loop's last sleep
 * before R: from bytes written to that moment the request was the target's,
 * however starved golive was afterwards. The time slept between two readings
 * is what this thread's loop spent in the poller (libuv's idle time) plus the
 * pacer's futex sleeps, less the time the thread waited for a CPU
 * (schedstat's run delay, which both clocks include from the wake-up on), so
 * the sleep, and the floor with it, is never overstated. Only sleeps that
 * wake for a response count: a thread blocked elsewhere (a collector's pause)
 * may have had one waiting. Both clocks are this thread's own, whatever other
 * threads (--workers, the collector) do. A sleep found between readings ended
 * no earlier than the first reading plus the time slept.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** Re-read at most this often (ms): a sleep missed between is only a lower floor. */
const REFRESH_MS = 0.25;
/** Less than this (ms) "slept" is the readings' own skew (µs), not a sleep. */
const MIN_SLEEP_MS = 0.05;

/** ms: this thread's loop's time in the poller, and the time this thread waited for a CPU (undefined where the kernel does not say). */
export interface ThreadTimes {
  idleMs(): number;
  waitMs(): number | undefined;
  close(): void;
}

export class SleepFloor {
  private at: number;
  private idle: number;
  private wait: number;
  /** the pacer's futex sleeps since the last reading (ms): the poller's idle time does not see them */
  private futex = 0;
  /** the loop's last sleep found so far ended no earlier than this clock time */
  private floor = -Infinity;

  constructor(private readonly times: ThreadTimes, now: number, wait: number) {
    this.at = now;
    this.idle = times.idleMs();
    this.wait = wait;
  }

  /** The loop slept this long (ms, wall) on the pacer's futex. */
  sleptOffLoop(ms: number): void {
    this.futex += ms;
  }

  /** A clock time before which no response read at `now` can have arrived. */
  arrivedAfter(now: number): number {
    if (now - this.at >= REFRESH_MS) {
      const idle = this.times.idleMs();
      const wait = this.times.waitMs();
      if (wait !== undefined) {
        const slept = idle - this.idle + this.futex - (wait - this.wait);
        if (slept >= MIN_SLEEP_MS) this.floor = this.at + slept;
        this.at = now;
        this.idle = idle;
        this.wait = wait;
        this.futex = 0;
      }
    }
    return this.floor;
  }

  close(): void {
    this.times.close();
  }
}

/** The calling thread's run delay from an open /proc/thread-self/schedstat (one pread per reading, no allocation). */
function threadTimes(): ThreadTimes | undefined {
  let fd: number;
  try {
    fd = openSync('/proc/thread-self/schedstat', 'r');
  } catch {
    return undefined;
  }
  const buf = Buffer.alloc(96);
  const waitMs = (): number | undefined => {
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, 0);
    } catch {
      return undefined;
    }
    // "<ns on CPU> <ns waiting on a run queue> <timeslices>": the second field
    // (the first is stale for a running thread: measured, it found a false sleep in 85 % of busy spans)
    let i = 0;
    while (i < n && buf[i] !== 0x20) i++;
    let ns = 0;
    let digits = 0;
    for (i++; i < n; i++) {
      const c = buf[i] as number;
      if (c < 0x30 || c > 0x39) break;
      ns = ns * 10 + (c - 0x30);
      digits++;
    }
    return digits > 0 ? ns / 1e6 : undefined;
  };
  return {
    // this thread's own loop (a worker's is its own), in ms
    idleMs: () => performance.eventLoopUtilization().idle,
    waitMs,
    close: () => { try { closeSync(fd); } catch { /* already closed */ } },
  };
}

/** A floor for this thread's loop, or undefined where the kernel keeps no run delay (not Linux, schedstats off). */
export function sleepFloor(now: number, times: ThreadTimes | undefined = threadTimes()): SleepFloor | undefined {
  const wait = times?.waitMs();
  if (times === undefined || wait === undefined) {
    times?.close();
    return undefined;
  }
  return new SleepFloor(times, now, wait);
}
