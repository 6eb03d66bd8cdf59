/** The proof of the target's part (src/net/load/sleep-floor.ts), on readings given in: only a real sleep moves it. */
import { describe, expect, it } from 'vitest';
import { sleepFloor, type ThreadTimes } from '../src/net/load/sleep-floor.js';

function times(): ThreadTimes & { cpu: number; wait: number | undefined } {
  const t = { cpu: 0, wait: 0 as number | undefined, cpuMs: () => t.cpu, waitMs: () => t.wait, close: () => undefined };
  return t;
}

describe('where golive\'s loop last slept', () => {
  it('a sleep between readings ends no earlier than the first reading plus the time slept', () => {
    const t = times();
    const f = sleepFloor(0, t);
    // 10 ms: 2 ms on CPU, 3 ms waiting for one, so 5 ms asleep: it ended at 5 ms at the earliest
    t.cpu = 2; t.wait = 3;
    expect(f?.arrivedAfter(10)).toBe(5);
    // then 20 ms of running and waiting only: no sleep, the floor stays
    t.cpu = 12; t.wait = 13;
    expect(f?.arrivedAfter(30)).toBe(5);
  });

  it('never finds a sleep in a starved loop (all waiting), nor where the kernel keeps no run delay', () => {
    const t = times();
    const f = sleepFloor(0, t);
    t.wait = 100;
    expect(f?.arrivedAfter(100)).toBe(-Infinity);
    const none = times();
    none.wait = undefined;
    expect(sleepFloor(0, none)).toBeUndefined();
  });
});
