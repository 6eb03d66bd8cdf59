/**
 * The HPA watch around the load phase: sampled before, during and after, and
 * reported as notes (informational, never gating). The sampler is injected;
 * the real one (an API read) is tested against the real API server in
 * test/k8s/cluster-api.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { planSchema } from '../src/contract/plan.js';
import { watchHpasDuring } from '../src/engine/hpa-watch.js';
import type { PhaseContext, PhaseRunner } from '../src/phases/types.js';
import { compareHpaSamples, describeHpaScaling } from '../src/phases/cluster.js';
import type { HpaSample } from '../src/phases/cluster.js';
import { renderConsole } from '../src/reporters/console.js';
import { fixtureResult, fixtureStore } from './support/prometheus-fixtures.js';

const hpa = (current: number, desired: number, at: number): HpaSample => ({ name: 'gateway', current, desired, min: 2, max: 6, at });

function ctx(): PhaseContext {
  return {
    plan: planSchema.parse({ target: 'http://127.0.0.1:1' }),
    signal: new AbortController().signal, clock: { now: () => performance.now() }, emit: () => undefined,
  };
}

/** A load phase that finishes when the test says so, after the watch has sampled during it. */
function gatedLoad(): { phase: PhaseRunner; finish(): void } {
  let finish!: () => void;
  const done = new Promise<void>((r) => { finish = r; });
  return { phase: { name: 'load', needs: ['health'], run: async () => { await done; return { status: 'passed' }; } }, finish };
}

describe('watchHpasDuring', () => {
  it('reports an HPA that scaled while the load ran, and keeps the phase outcome', async () => {
    const samples = [[hpa(2, 2, 0)], [hpa(2, 4, 1)], [hpa(4, 4, 2)], [hpa(4, 4, 3)]];
    let calls = 0;
    const load = gatedLoad();
    let sampledThrice!: () => void;
    const sampled = new Promise<void>((resolve) => { sampledThrice = resolve; });
    const wrapped = watchHpasDuring(load.phase, {
      sample: async () => {
        const s = samples[Math.min(calls, samples.length - 1)] ?? [];
        calls++;
        if (calls === 3) sampledThrice();
        return s;
      },
      describe: (b, d) => compareHpaSamples(b, d).map(describeHpaScaling),
      intervalMs: 5,
    });
    // Held and awaited below: an expectation on it can fail this test, not a later one.
    const outcome = wrapped.run(ctx());
    await sampled;
    load.finish();
    const out = await outcome;
    expect(out.status).toBe('passed');
    expect(out.notes).toHaveLength(1);
    expect(out.notes?.[0]).toMatch(/hpa gateway scaled under load: 2 -> 4 replicas/);
  });

  it('says so when nothing scaled, when there is no HPA, and when sampling fails', async () => {
    const run = async (sample: () => Promise<HpaSample[]>) => {
      const phase: PhaseRunner = { name: 'load', needs: [], run: async () => ({ status: 'passed', notes: ['from the phase'] }) };
      const out = await watchHpasDuring(phase, { sample, describe: (b, d) => compareHpaSamples(b, d).map(describeHpaScaling), intervalMs: 1000 }).run(ctx());
      expect(out.status).toBe('passed');
      expect(out.notes?.[0]).toBe('from the phase');
      return out.notes?.slice(1);
    };
    expect(await run(async () => [hpa(2, 2, 0)])).toEqual([expect.stringMatching(/did not scale under load: 2 replicas/)]);
    expect(await run(async () => [])).toEqual(['no HPA in the namespace: auto-scaling not observed']);
    expect(await run(async () => { throw new Error('forbidden: cannot list horizontalpodautoscalers\nmore'); }))
      .toEqual(['hpa sampling failed: forbidden: cannot list horizontalpodautoscalers']);
  });

  it('prints notes in the console report', () => {
    const { store, checks } = fixtureStore();
    const result = fixtureResult(store, checks, { testid: 't' });
    result.golive.notes = ['hpa gateway scaled under load: 2 -> 4 replicas (desired peak 4)'];
    expect(renderConsole(result, { color: false })).toMatch(/Notes\n\s+hpa gateway scaled under load/);
  });
});
