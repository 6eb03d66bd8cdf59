/**
 * abortOnFail / delayAbortEval as in k6, under the node engine: a failing
 * threshold stops the load early (after its delay), the reports are written
 * and the gate fails with 99; the object form is lifted into plan.abortOnFail.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCheckFlags } from '../src/config/flags.js';
import { validatePlan } from '../src/config/validate.js';
import type { RunResult } from '../src/core/result.js';
import { runCli, spawnReferenceApi } from './support/processes.js';
import type { SpawnedApi } from './support/processes.js';

describe('abortOnFail in the plan', () => {
  it("k6's object form keeps its expression in the thresholds and lifts abortOnFail with its delay", () => {
    const plan = validatePlan({
      ...parseCheckFlags(['--target', 'http://127.0.0.1:1', '--phases', 'load']).raw,
      thresholds: { 'http_req_duration{phase:load}': [{ threshold: 'p(95)<500', abortOnFail: true, delayAbortEval: '1m30s' }, 'p(99)<900'], 'http_req_failed{phase:load}': [{ threshold: 'rate<0.01' }] },
    });
    expect(plan.thresholds['http_req_duration{phase:load}']).toEqual(['p(95)<500', 'p(99)<900']);
    expect(plan.thresholds['http_req_failed{phase:load}']).toEqual(['rate<0.01']);
    expect(plan.abortOnFail).toEqual([{ metric: 'http_req_duration{phase:load}', expression: 'p(95)<500', delaySeconds: 90 }]);
  });

  it('a bad delay is a config error naming the field', () => {
    expect(() => validatePlan({ target: 'http://127.0.0.1:1', thresholds: { x: [{ threshold: 'p(95)<1', delayAbortEval: 'soon' }] } })).toThrow(/thresholds\.x\.0\.delayAbortEval.*expected a duration/);
  });
});

describe('abortOnFail against the reference API (real processes)', () => {
  const TOKEN = 'test-token-abort-on-fail';
  let api: SpawnedApi | undefined;
  afterEach(async () => {
    await api?.stop();
    api = undefined;
  });

  it('a 30 s load against a 600 ms target stops a few seconds in, after its delay, with exit 99 and the reports written', async () => {
    api = await spawnReferenceApi(TOKEN, ['--latency', 'fixed:600']);
    const dir = await mkdtemp(join(tmpdir(), 'golive-abort-'));
    const config = join(dir, 'golive.config.json');
    await writeFile(config, JSON.stringify({ thresholds: { 'http_req_duration{phase:load}': [{ threshold: 'p(95)<500', abortOnFail: true, delayAbortEval: '2s' }] } }));
    const res = await runCli(['check', '--target', api.url, '--out', dir, '--no-color', '--config', config, '--phases', 'load', '--rate', '20', '--duration', '30', '--max-schedule-lag', '250'], { env: { GOLIVE_TOKEN: TOKEN } });
    const s = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunResult;
    const load = s.golive.phases.find((p) => p.name === 'load');
    expect(load?.status).toBe('failed');
    expect(load?.reason).toMatch(/^stopped early after \d+ requests: http_req_duration\{phase:load\} p\(95\)<500 failed \d+s into the load \(abortOnFail\): p\(95\)=\d+/);
    expect(load?.durationMs).toBeGreaterThan(2000);
    expect(load?.durationMs).toBeLessThan(15_000);
    expect(s.golive.thresholds.find((t) => t.expression === 'p(95)<500')?.ok).toBe(false);
    expect(res.code).toBe(99);
    expect(s.golive.exitCode).toBe(99);
    expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toContain('stopped early');
  }, 60_000);
});
