/**
 * The scale-out gate (`--require-scale-out`), pure: an HPA pushed past its
 * utilisation target during the judged stage must raise desiredReplicas in
 * time and not sit at maxReplicas. The real API server version is in
 * test/k8s/hpa-gate.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Workload } from '../src/contract/plan.js';
import { scaleOutWindow } from '../src/engine/hpa-watch.js';
import type { HpaSample } from '../src/phases/cluster.js';
import { judgeScaleOut, replicaTimeline } from '../src/phases/cluster/scale-out.js';

const T0 = 1_000_000;
const at = (s: number) => T0 + s * 1000;
const hpa = (name: string, s: number, desired: number, cpu?: number, max = 10): HpaSample => ({
  name, current: desired, desired, min: 2, max, at: at(s),
  utilisation: [{ resource: 'cpu', target: 70, ...(cpu !== undefined ? { current: cpu } : {}) }],
});
const WINDOW = { startMs: at(10), endMs: at(40), label: 'stage 2x' };

describe('judgeScaleOut', () => {
  it('scale-out within the allowance passes and says how fast', () => {
    const [f] = judgeScaleOut([hpa('gw', 0, 2, 30), hpa('gw', 15, 2, 91), hpa('gw', 25, 4, 80), hpa('gw', 35, 4, 60)], WINDOW, 30_000);
    expect(f).toMatchObject({ hpa: 'gw', ok: true, reason: 'hpa gw scaled out: desired 2 -> 4 10s after cpu 91% > 70%' });
  });

  it('never scaling out fails once the allowance has passed', () => {
    const [f] = judgeScaleOut([hpa('gw', 0, 2, 30), hpa('gw', 15, 2, 91), hpa('gw', 30, 2, 95), hpa('gw', 50, 2, 95)], WINDOW, 30_000);
    expect(f).toMatchObject({ ok: false, reason: 'hpa gw did not scale out within 30s of cpu 91% > 70% in stage 2x: desired stayed 2' });
    expect(f?.pending).toBeUndefined();
  });

  it('while the allowance lasts the finding is pending (the watch samples on)', () => {
    const [f] = judgeScaleOut([hpa('gw', 15, 2, 91), hpa('gw', 20, 2, 95)], WINDOW, 30_000);
    expect(f).toMatchObject({ ok: false, pending: true });
  });

  it('maxed out: at maxReplicas while still above the target fails', () => {
    const [f] = judgeScaleOut([hpa('gw', 0, 4, 30, 6), hpa('gw', 15, 6, 95, 6), hpa('gw', 25, 6, 97, 6)], WINDOW, 30_000);
    expect(f).toMatchObject({ ok: false, reason: 'hpa gw maxed out: 6 desired = maxReplicas 6 while cpu 95% > 70% (0s after crossing in stage 2x)' });
  });

  it('an HPA never pushed past its target in the stage is not judged; crossings outside the stage do not count', () => {
    const [f] = judgeScaleOut([hpa('gw', 0, 2, 95), hpa('gw', 15, 2, 40), hpa('gw', 45, 2, 99)], WINDOW, 30_000);
    expect(f).toMatchObject({ ok: true, reason: 'hpa gw: target not crossed during stage 2x, scale-out not required' });
  });

  it('the replica timeline lists each change of desiredReplicas from the load start', () => {
    expect(replicaTimeline([hpa('gw', 0, 2), hpa('gw', 5, 2), hpa('gw', 20, 4), hpa('gw', 30, 6)], T0)).toEqual(['hpa gw replicas (desired): 2 at +0s, 4 at +20s, 6 at +30s']);
  });

  it('the judged window is the 2x stage of a staged load, else the last stage, else the whole load', () => {
    const staged = (names: (string | undefined)[]): Workload => ({
      model: 'staged', startRate: 10, maxInFlight: 100,
      stages: names.map((name, i) => ({ durationSeconds: 10 * (i + 1), target: 10, ...(name ? { name } : {}) })),
    });
    expect(scaleOutWindow(staged(['baseline', 'ramp', '2x']), T0)).toEqual({ startMs: T0 + 30_000, endMs: T0 + 60_000, label: 'stage 2x' });
    expect(scaleOutWindow(staged([undefined, undefined]), T0)).toEqual({ startMs: T0 + 10_000, endMs: T0 + 30_000, label: 'stage 1' });
    expect(scaleOutWindow({ model: 'open', rate: 5, durationSeconds: 10, maxInFlight: 10 }, T0)).toEqual({ startMs: T0, endMs: Infinity, label: 'the load' });
  });
});
