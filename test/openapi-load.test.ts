/**
 * The API's contract on the load phase's responses: a gateway that starts
 * answering a different shape under load fails the gate (99), naming the
 * JSON pointer and the rule; the share checked is reported; a load with no
 * contract keeps no body. Real servers on port 0.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result.js';
import { runCli } from './support/processes.js';
import { TOKEN } from './support/reference-api-client.js';

const DOC = {
  openapi: '3.1.0',
  info: { title: 'drifting', version: '1' },
  paths: {
    '/health': {
      get: {
        responses: {
          200: {
            description: 'healthy',
            content: { 'application/json': { schema: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] } } },
          },
        },
      },
    },
  },
};

/** Answers /health in the documented shape for the first `goodFor` requests, then `status` as a number. */
async function drifting(goodFor: number, pad = 0): Promise<{ url: string; served: () => number; close(): Promise<void> }> {
  let n = 0;
  const server: Server = createServer((req, res) => {
    if (req.url === '/openapi.json') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(DOC));
    n++;
    const body = JSON.stringify(n <= goodFor ? { status: 'ok', pad: 'x'.repeat(pad) } : { status: 42, pad: 'x'.repeat(pad) });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, served: () => n, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

let api: Awaited<ReturnType<typeof drifting>> | undefined;
afterEach(async () => { await api?.close(); api = undefined; });

async function run(config: Record<string, unknown>) {
  const dir = await mkdtemp(join(tmpdir(), 'golive-openapi-load-'));
  await writeFile(join(dir, 'golive.config.json'), JSON.stringify(config));
  const res = await runCli(['check', '--no-color', '--out', join(dir, 'reports'), '--summary-md', join(dir, 'summary.md')], { cwd: dir, env: { GOLIVE_TOKEN: TOKEN } });
  const summary = JSON.parse(await readFile(join(dir, 'reports', 'summary.json'), 'utf8')) as RunResult;
  const html = await readFile(join(dir, 'reports', 'report.html'), 'utf8');
  const md = await readFile(join(dir, 'summary.md'), 'utf8');
  return { ...res, summary, html, md };
}

const config = (target: string) => ({
  target, phases: ['health', 'load'], health: { endpoints: ['/health'] }, openapi: { url: '/openapi.json' },
  load: { workload: { model: 'closed', requests: 1500, concurrency: 4 } },
});

describe('the contract on load responses', () => {
  it('fails the load phase (99) when the shape drifts under load, naming the pointer and the rule, and reports the share checked', async () => {
    api = await drifting(300);
    const res = await run(config(api.url));
    expect(res.code).toBe(99);
    const load = res.summary.golive.phases.find((p) => p.name === 'load')!;
    expect(load.status).toBe('failed');
    expect(load.reason).toMatch(/^\d+ response\(s\) do not conform to the API's contract: GET \/health 200: body \/status must be string \(type\)$/);
    const check = res.summary.golive.checks.find((c) => c.phase === 'load' && c.name === "GET /health conforms to the API's contract")!;
    expect(check.fails).toBeGreaterThan(0);
    expect(check.passes).toBeGreaterThan(0);
    // The health phase's own response came before the drift and conforms.
    expect(res.summary.golive.checks.find((c) => c.phase === 'health' && c.name.endsWith('conforms to the API\'s contract'))).toMatchObject({ passes: 1, fails: 0 });
    const note = res.summary.golive.notes?.find((n) => n.startsWith('openapi: checked '));
    const m = /^openapi: checked (\d+) of (\d+) load responses \(([\d.]+) %\) against the contract/.exec(note ?? '');
    expect(m, note).not.toBeNull();
    expect(Number(m![2])).toBe(1500);
    expect(Number(m![1])).toBe(check.passes + check.fails);
    for (const text of [res.stdout, res.html, res.md]) expect(text).toContain(`checked ${m![1]} of 1500 load responses`);
  });

  it('passes a load that keeps its shape, every response checked when the budget allows', async () => {
    api = await drifting(Infinity);
    const res = await run(config(api.url));
    expect(res.code).toBe(0);
    const check = res.summary.golive.checks.find((c) => c.phase === 'load' && c.name.endsWith("conforms to the API's contract"))!;
    expect(check.fails).toBe(0);
    expect(res.summary.golive.notes).toContainEqual(expect.stringMatching(new RegExp(`^openapi: checked ${check.passes} of 1500 load responses`)));
    expect(res.summary.metrics['openapi_conformance{phase:load}'] ?? res.summary.metrics.openapi_conformance).toBeDefined();
  });
});

describe('the contract on a load mix', () => {
  it('checks each request of an 80/20 mix against its own operation, named by its template, against the reference API', async () => {
    const { startReferenceApi } = await import('../src/reference-api/server.js');
    const ref = await startReferenceApi({ token: TOKEN });
    try {
      const checks = [
        { name: 'health', steps: [{ path: '/health', expect: [{ status: 200 }] }] },
        { name: 'market', steps: [{ method: 'POST', path: '/api/v1/data/market', auth: 'token', json: { symbol: 'AAPL', start_date: '2025-09-01', end_date: '2025-09-03' }, expect: [{ status: 200 }] }] },
      ];
      const res = await run({
        target: ref.url, phases: ['health', 'checks', 'load'], openapi: { url: '/openapi.json' }, checks,
        load: { mix: [{ check: 'health', weight: 80 }, { check: 'market', weight: 20 }], workload: { model: 'closed', requests: 1000, concurrency: 4 } },
      });
      expect(res.code, res.stderr).toBe(0);
      const load = res.summary.golive.checks.filter((c) => c.phase === 'load' && c.name.endsWith("conforms to the API's contract"));
      expect(load.map((c) => c.name)).toEqual(["GET /health conforms to the API's contract", "POST /api/v1/data/market conforms to the API's contract"]);
      const [health, market] = load.map((c) => c.passes);
      // Both requests sampled, in the mix's proportion (all of them when the budget allowed).
      expect(market!).toBeGreaterThan(0);
      expect(health! / (health! + market!)).toBeCloseTo(0.8, 1);
      expect(res.summary.golive.notes).toContainEqual(expect.stringMatching(new RegExp(`^openapi: checked ${health! + market!} of 1000 load responses`)));
    } finally {
      await ref.close();
    }
  });
});
