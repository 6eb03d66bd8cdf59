/**
 * Stages under the real k6 (1.1.0): the same --stages plan runs as k6's
 * ramping-arrival-rate, every load request tagged with its stage as the node
 * engine tags its samples, so per-stage thresholds are judged under both.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result.js';
import { stageAt } from '../scenarios/k6/lib/stage.js';
import { k6Env } from './support/k6.js';
import { runCli, spawnReferenceApi } from './support/processes.js';
import type { SpawnedApi } from './support/processes.js';

describe('stage of a k6 load request', () => {
  it('follows the schedule: the stage whose time span holds the moment, the last one after the end', () => {
    const w = { model: 'staged' as const, startRate: 5, maxInFlight: 10, stages: [
      { durationSeconds: 2, target: 5, name: 'baseline' }, { durationSeconds: 1, target: 10 }, { durationSeconds: 2, target: 10, name: '2x' },
    ] };
    expect([0, 1999, 2000, 2999, 3000, 4999, 9000].map((ms) => stageAt(w, ms))).toEqual(['baseline', 'baseline', '1', '1', '2x', '2x', '2x']);
    expect(stageAt({ model: 'open', rate: 5, durationSeconds: 1, maxInFlight: 5 }, 0)).toBeUndefined();
  });
});

describe('--stages under the real k6', () => {
  const TOKEN = 'test-token-k6-stages-1';
  let api: SpawnedApi | undefined;
  afterEach(async () => {
    await api?.stop();
    api = undefined;
  });

  it('per-stage thresholds are judged from k6 samples tagged with the stage; the saturated 2x stage fails', async () => {
    api = await spawnReferenceApi(TOKEN, ['--saturate', '12']);
    const out = await mkdtemp(join(tmpdir(), 'golive-k6-stages-'));
    const res = await runCli([
      'check', '--target', api.url, '--out', out, '--no-color', '--engine', 'k6', '--phases', 'load',
      '--stages', '3s:10:baseline,1s:20,3s:20:2x',
      '--threshold', 'http_req_duration{stage:baseline}=p(95)<500', '--threshold', 'http_req_duration{stage:2x}=p(95)<500',
      '--threshold', 'http_reqs{stage:2x}=count>0',
    ], { env: k6Env({ GOLIVE_TOKEN: TOKEN }) });
    const s = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunResult;
    const byKey = new Map(s.golive.thresholds.map((t) => [`${t.metric} ${t.expression}`, t]));
    expect(s.golive.engine).toBe('k6');
    expect(byKey.get('http_reqs{stage:2x} count>0')?.ok).toBe(true);
    expect(byKey.get('http_req_duration{stage:baseline} p(95)<500')?.ok).toBe(true);
    expect(byKey.get('http_req_duration{stage:2x} p(95)<500')?.ok).toBe(false);
    expect(res.code).toBe(99);
  }, 90_000);
});
