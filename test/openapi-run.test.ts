/**
 * `golive check` with `openapi` in the config, against the reference API on
 * port 0: every functional response held against the served contract, the
 * coverage reported and gated, a contract that cannot be used refused (104)
 * before any request reaches the target.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result.js';
import { startReferenceApi, type ReferenceApi } from '../src/reference-api/server.js';
import { runCli } from './support/processes.js';
import { TOKEN } from './support/reference-api-client.js';

let api: ReferenceApi | undefined;
afterEach(async () => { await api?.close(); api = undefined; });

async function run(config: Record<string, unknown>, files: Record<string, string> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'golive-openapi-run-'));
  await writeFile(join(dir, 'golive.config.json'), JSON.stringify(config));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  const res = await runCli(['check', '--no-color', '--out', join(dir, 'reports')], { cwd: dir, env: { GOLIVE_TOKEN: TOKEN } });
  const summary = res.code === 104 ? undefined : JSON.parse(await readFile(join(dir, 'reports', 'summary.json'), 'utf8')) as RunResult;
  return { ...res, summary };
}

const conformance = (s: RunResult) => s.golive.checks.filter((c) => c.name.endsWith("conforms to the API's contract"));

describe('golive check held against the API contract', () => {
  it('passes a healthy API, one conformance check per call, and reports the coverage', async () => {
    api = await startReferenceApi({ token: TOKEN });
    const res = await run({ target: api.url, phases: ['health', 'market-data'], openapi: { url: '/openapi.json' } });
    expect(res.stderr).not.toMatch(/error/i);
    expect(res.code).toBe(0);
    const s = res.summary!;
    expect(conformance(s).map((c) => `${c.phase} ${c.name} ${c.passes}/${c.fails}`)).toEqual([
      "health GET /health conforms to the API's contract 1/0",
      "health GET /api/v1/data/health conforms to the API's contract 1/0",
      "market-data POST /api/v1/data/market conforms to the API's contract 2/0",
    ]);
    expect(s.golive.notes).toContain('openapi: covered 3 of 5 operations; not checked: POST /api/v1/auth/login, GET /api/v1/signals');
    expect(s.metrics.openapi_coverage?.values).toMatchObject({ rate: 0.6, passes: 3, fails: 2 });
    expect(res.stdout).toContain('covered 3 of 5 operations');
  });

  it('fails on a body that drifted from the contract, naming the pointer and rule, and gates the coverage', async () => {
    api = await startReferenceApi({ token: TOKEN, badSchema: true });
    const res = await run({
      target: api.url, phases: ['health', 'market-data'], openapi: { url: '/openapi.json' },
      thresholds: { openapi_coverage: ['rate>=1'] },
    });
    expect(res.code).toBe(99);
    const s = res.summary!;
    const market = conformance(s).find((c) => c.name.startsWith('POST'))!;
    // The authenticated call drifted; the refused anonymous one still conforms (documented 401).
    expect([market.passes, market.fails]).toEqual([1, 1]);
    expect(market.reasons[0]).toBe('POST /api/v1/data/market 200: body /bars/0/high is required but missing (required) (+5 more)');
    expect(s.golive.thresholds.find((t) => t.metric === 'openapi_coverage')).toMatchObject({ ok: false, expression: 'rate>=1' });
  });

  it('refuses a contract that does not parse with 104, one line naming it, and no request at the target', async () => {
    api = await startReferenceApi({ token: TOKEN });
    const res = await run({ target: api.url, phases: ['health'], openapi: { file: 'api.json' } }, { 'api.json': '{"openapi": "3.1.0", "paths": {' });
    expect(res.code).toBe(104);
    expect(res.stderr.trim().split('\n').filter((l) => !l.startsWith('golive: config file'))).toEqual([
      expect.stringMatching(/^golive: openapi \(openapi\.file api\.json\): does not parse as JSON or YAML: /),
    ]);
    expect(api.requests()).toBe(0);
  });

  it('refuses an invalid contract served from another URL with 104 before the target sees a request', async () => {
    api = await startReferenceApi({ token: TOKEN });
    const docs = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }).end('{"openapi":"3.0.3","paths":{}}'); });
    await new Promise<void>((r) => docs.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(docs.address() as AddressInfo).port}/openapi.json`;
      const res = await run({ target: api.url, phases: ['health'], openapi: { url } });
      expect(res.code).toBe(104);
      expect(res.stderr).toContain(`golive: openapi (openapi.url ${url}): not a valid OpenAPI document: `);
      expect(api.requests()).toBe(0);
    } finally {
      await new Promise<void>((r) => docs.close(() => r()));
    }
  });

  it('holds declared checks against the contract too: a login chain covers every operation, an undocumented call is named', async () => {
    api = await startReferenceApi({ token: TOKEN });
    const checks = [
      { name: 'login', setup: true, steps: [{ method: 'POST', path: '/api/v1/auth/login', json: { username: 'golive', password: '${env.GOLIVE_TOKEN}' }, capture: { session: { jsonpath: '$.access_token', secret: true } } }] },
      { name: 'signals', group: 'signal-service', steps: [{ path: '/api/v1/signals', headers: { authorization: 'Bearer ${session}' }, expect: [{ status: 200 }] }] },
    ];
    const ok = await run({ target: api.url, phases: ['health', 'market-data', 'checks'], openapi: { url: '/openapi.json' }, checks, thresholds: { openapi_coverage: ['rate>=1'] } });
    expect(ok.code).toBe(0);
    expect(ok.summary!.golive.notes).toContain('openapi: covered 5 of 5 operations');
    expect(conformance(ok.summary!).filter((c) => c.phase === 'checks').map((c) => `${c.name} ${c.passes}/${c.fails}`)).toEqual([
      "POST /api/v1/auth/login conforms to the API's contract 1/0",
      "GET /api/v1/signals conforms to the API's contract 1/0",
    ]);
    const orders = [{ name: 'orders', steps: [{ path: '/api/v1/orders', expect: [{ status: 404 }] }] }];
    const bad = await run({ target: api.url, phases: ['checks'], openapi: { url: '/openapi.json' }, checks: orders });
    expect(bad.code).toBe(99);
    expect(conformance(bad.summary!).map((c) => [c.name, c.reasons])).toEqual([
      ["GET /api/v1/orders conforms to the API's contract", ['GET /api/v1/orders is not a documented operation (no documented path matches)']],
    ]);
  });
});

