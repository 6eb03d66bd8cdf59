/** The proof of the target's part (src/net/load/sleep-floor.ts), on readings given in: only a real sleep moves it. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../src/core/clock.js';
import { runQueueWaitMs } from '../src/net/load/cpu-wait.js';
import { runLoad, type LoadSample } from '../src/net/load/index.js';
import { sleepFloor, type ThreadTimes } from '../src/net/load/sleep-floor.js';

function times(): ThreadTimes & { idle: number; wait: number | undefined } {
  const t = { idle: 0, wait: 0 as number | undefined, idleMs: () => t.idle, waitMs: () => t.wait, close: () => undefined };
  return t;
}

describe('where golive\'s loop last slept', () => {
  it('a sleep between readings ends no earlier than the first reading plus the time slept', () => {
    const t = times();
    const f = sleepFloor(0, t);
    // 10 ms: 8 ms in the poller, 3 of them waiting for a CPU after the wake-up, so 5 ms asleep: it ended at 5 ms at the earliest
    t.idle = 8; t.wait = 3;
    expect(f?.arrivedAfter(10)).toBe(5);
    // then 20 ms of running and waiting only: no sleep, the floor stays
    t.wait = 13;
    expect(f?.arrivedAfter(30)).toBe(5);
  });

  it('counts the pacer\'s futex sleeps, which the poller does not see, once', () => {
    const t = times();
    const f = sleepFloor(0, t);
    f?.sleptOffLoop(2);
    t.idle = 4;
    expect(f?.arrivedAfter(10)).toBe(6);
    t.idle = 5;
    expect(f?.arrivedAfter(20)).toBe(11);
  });

  it('never finds a sleep in a starved loop (all waiting), nor where the kernel keeps no run delay', () => {
    const t = times();
    const f = sleepFloor(0, t);
    t.idle = 60; t.wait = 100;
    expect(f?.arrivedAfter(100)).toBe(-Infinity);
    const none = times();
    none.wait = undefined;
    expect(sleepFloor(0, none)).toBeUndefined();
  });
});

describe('on a real run', () => {
  it('proves most of a slow target\'s time was its own', async () => {
    const DELAY_MS = 20;
    const server = createServer((_req, res) => { setTimeout(() => res.end('ok'), DELAY_MS); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const samples: Pick<LoadSample, 'floorMs'>[] = [];
    try {
      await runLoad({
        origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        request: { method: 'GET', path: '/' },
        workload: { model: 'open', rate: 100, durationSeconds: 1, maxInFlight: 20 },
        timeoutMs: 5_000,
        signal: new AbortController().signal,
        clock: systemClock,
        onSample: (x) => { samples.push({ floorMs: x.floorMs }); },
      });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    expect(samples.length).toBeGreaterThan(50);
    if (runQueueWaitMs() === undefined) {
      expect(samples.every((x) => x.floorMs === undefined)).toBe(true);
      return;
    }
    // the loop slept through the server's delay (its timer is this same loop's): most of it is proven, however busy the machine
    const floors = samples.map((x) => x.floorMs ?? 0).sort((a, b) => a - b);
    expect(floors[Math.floor(floors.length / 2)]).toBeGreaterThan(DELAY_MS / 2);
  });
});
