/**
 * A load mix naming the runbook preset's checks (issue 19.3's own example:
 * `load.mix: [{ check: 'health', weight: 80 }, { check: 'market-data', weight: 20 }]`
 * with no `checks`), through the real CLI against the reference API under
 * the node engine and the real k6: the shares within 2 points over 2,000
 * requests, split per check in the summary and the console; a staged mix
 * under k6 tagged per stage and per check; and the names a mix may use,
 * checked before the first request.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result.js';
import { k6Binary } from './support/k6.js';
import { withApi } from './support/reference-api-client.js';
import { readSummary } from './support/parity.js';
import { runCli } from './support/processes.js';

const TOKEN = 'tok-mix-preset-8d20';
const MIX = [{ check: 'health', weight: 80 }, { check: 'market-data', weight: 20 }];

interface Ran { code: number; result?: RunResult; stdout: string; stderr: string; requests: number }

async function run(engine: 'node' | 'k6', config: unknown, env: Record<string, string> = { GOLIVE_TOKEN: TOKEN }): Promise<Ran> {
  return withApi({ token: TOKEN }, async (api) => {
    const dir = await mkdtemp(join(tmpdir(), `golive-mix-preset-${engine}-`));
    const file = join(dir, 'golive.config.json');
    await writeFile(file, JSON.stringify(config));
    const out = join(dir, 'reports');
    const res = await runCli(['check', '--config', file, '--target', api.url, '--out', out, '--no-color', '--engine', engine],
      { env: { K6_BINARY: k6Binary(), ...env }, deadlineMs: 180_000 });
    const result = res.code === 104 ? undefined : await readSummary(out);
    return { code: res.code ?? -1, ...(result ? { result } : {}), stdout: res.stdout, stderr: res.stderr, requests: api.requests() };
  });
}

const count = (r: RunResult | undefined, key: string) => r?.metrics[key]?.values['count'] ?? 0;

describe('a load mix of the runbook preset\'s checks, no checks declared', () => {
  const config = {
    load: { mix: MIX, workload: { model: 'closed', requests: 2000, concurrency: 10 } },
    thresholds: { 'http_reqs{phase:load,check:health}': ['count>0'], 'http_reqs{phase:load,check:market-data}': ['count>0'], 'http_req_failed{check:market-data}': ['rate==0'] },
  };

  it.each(['node', 'k6'] as const)('%s: 80/20 within 2 points over 2,000 requests, split per check in the summary and the console', async (engine) => {
    const r = await run(engine, config);
    expect(r.code, r.stderr).toBe(0);
    const health = count(r.result, 'http_reqs{phase:load,check:health}');
    const market = count(r.result, 'http_reqs{phase:load,check:market-data}');
    expect(health + market).toBe(2000);
    expect(Math.abs(market / 2000 - 0.2), `${market} market-data of 2000`).toBeLessThanOrEqual(0.02);
    // the preset's phases ran as always, before the load
    expect(r.result?.golive.phases.map((p) => `${p.name}:${p.status}`)).toEqual(['health:passed', 'market-data:passed', 'load:passed']);
    const split = r.result?.golive.notes?.filter((n) => n.startsWith('load mix:'));
    expect(split).toEqual([
      expect.stringMatching(/^load mix: health \d+ requests \((79|80|81)\.\d %\)/),
      expect.stringMatching(/^load mix: market-data \d+ requests \((19|20|21)\.\d %\)/),
    ]);
    expect(r.stdout).toMatch(/load mix: market-data \d+ requests/);
    expect(JSON.stringify(r.result)).not.toContain(TOKEN);
  }, 240_000);
});

describe('a staged mix under the real k6', () => {
  it('every load request tagged with its stage and its check; each stage keeps the weights', async () => {
    const r = await run('k6', {
      phases: ['health', 'load'],
      load: { mix: MIX, workload: { model: 'staged', startRate: 40, maxInFlight: 50, stages: [{ durationSeconds: 2, target: 40, name: 'baseline' }, { durationSeconds: 2, target: 80, name: '2x' }] } },
      thresholds: Object.fromEntries(['baseline', '2x'].flatMap((stage) => ['health', 'market-data'].map((check) => [`http_reqs{stage:${stage},check:${check}}`, ['count>0']]))),
    });
    expect(r.code, r.stderr).toBe(0);
    for (const stage of ['baseline', '2x']) {
      const health = count(r.result, `http_reqs{stage:${stage},check:health}`);
      const market = count(r.result, `http_reqs{stage:${stage},check:market-data}`);
      expect(health + market, stage).toBeGreaterThan(40);
      // the cycle runs over the whole test: a stage boundary can cut it by at most one request either way
      expect(Math.abs(market - 0.2 * (health + market)), `${stage}: ${market} of ${health + market}`).toBeLessThanOrEqual(2);
    }
    expect(r.result?.golive.thresholds.filter((t) => !t.ok)).toEqual([]);
  }, 120_000);
});

describe('the names a mix may use: 104 before the first request', () => {
  it('an unknown name lists the declared checks and the preset\'s', async () => {
    const r = await run('node', { checks: [{ name: 'signals', steps: [{ path: '/api/v1/signals' }] }], load: { mix: [{ check: 'helth', weight: 1 }] } });
    expect(r.code).toBe(104);
    expect(r.stderr).toContain('load.mix[0].check: no check named "helth" (declared: signals; runbook preset: health, health-api-v1-data-health, market-data, market-data-unauthenticated)');
    expect(r.requests).toBe(0);
  }, 60_000);

  it("with preset: 'none' the preset's names are not there, and the error says so", async () => {
    const r = await run('node', { preset: 'none', load: { mix: MIX } });
    expect(r.code).toBe(104);
    expect(r.stderr).toContain(`load.mix[0].check: no check named "health" (declared: none; runbook preset: off (preset: 'none'))`);
    expect(r.requests).toBe(0);
  }, 60_000);

  it("the preset's market-data check in a mix needs the golive token", async () => {
    const r = await run('node', { phases: ['health', 'load'], load: { mix: MIX } }, {});
    expect(r.code).toBe(104);
    expect(r.stderr).toContain('load.mix[1].check: market-data sends the golive bearer token (GOLIVE_TOKEN or --token-file), which is not set');
    expect(r.requests).toBe(0);
  }, 60_000);

  it('a declared check of the same name wins over the preset\'s', async () => {
    const r = await run('node', {
      checks: [{ name: 'health', group: 'mine', steps: [{ path: '/api/v1/data/health', expect: [{ status: 200 }] }] }],
      load: { mix: [{ check: 'health', weight: 1 }], workload: { model: 'closed', requests: 50, concurrency: 2 } },
      thresholds: { 'http_reqs{phase:load,name:/api/v1/data/health}': ['count==50'], 'http_reqs{phase:load,group:mine}': ['count==50'] },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.result?.golive.thresholds.map((t) => `${t.ok ? 'ok' : 'FAILED'} ${t.metric}`)).toEqual(expect.arrayContaining(['ok http_reqs{phase:load,name:/api/v1/data/health}', 'ok http_reqs{phase:load,group:mine}']));
  }, 60_000);
});
