/**
 * The `runbook` preset (issue 19.2): the runbook's checks are declared checks
 * in the user's own form, `golive init` says what they are, `preset: 'none'`
 * drops them, and their built-ins word a body as the k6 runbook phases do.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runbookChecks } from '../checks/declared/runbook.js';
import { checksSchema } from '../src/contract/checks-schema.js';
import { planSchema } from '../src/contract/plan.js';
import type { RunResult } from '../src/core/result.js';
import { runCli } from './support/processes.js';

let server: Server | undefined;
afterEach(async () => { await new Promise((r) => (server ? server.close(r) : r(undefined))); server = undefined; });

/** A target answering each path with the given status and raw body; counts what it got. */
async function target(routes: Record<string, [number, string]>): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const [status, body] = routes[req.url ?? ''] ?? [404, '{"detail":"Not Found"}'];
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('the runbook preset', () => {
  it('is declared checks in the form a user writes, built from the health and marketData settings', () => {
    const plan = planSchema.parse({ target: 'http://x', health: { endpoints: ['/health', '/v2/health', '/health'], maxResponseMs: 250 }, marketData: { checkAuthRefusal: false } });
    const preset = runbookChecks(plan);
    const all = [...preset.health, ...preset.marketData];
    expect(checksSchema.parse(all)).toEqual(all);
    expect(all.map((c) => c.name)).toEqual(['health', 'health-v2-health', 'health-2', 'market-data']);
    expect(preset.health[1]?.steps[0]?.expect).toEqual([{ status: 200 }, { builtin: 'healthy-body' }, { maxMs: 250 }]);
    expect(preset.marketData[0]?.steps[0]).toMatchObject({ method: 'POST', auth: 'token', json: { symbol: 'AAPL', start_date: '2025-09-01', end_date: '2025-09-03' } });
  });

  it('golive init writes preset: runbook and says what it runs', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'golive-init-preset-'));
    const res = await runCli(['init'], { cwd });
    expect(res.code, res.stderr).toBe(0);
    const text = await readFile(join(cwd, 'golive.config.ts'), 'utf8');
    expect(text).toContain('"preset": "runbook"');
    expect(text).toContain('//   health: GET /health: status is 200, body is healthy, response time < 500ms');
    expect(text).toContain('//   market-data: POST /api/v1/data/market (token): status is 200, OHLC bars valid');
    expect(text).toContain('//   market-data-unauthenticated: POST /api/v1/data/market: unauthenticated call refused');
  });

  it("preset: 'none' drops the health and market-data phases; asking for one is 104 before any request", async () => {
    const t = await target({ '/health': [200, '{"status":"ok"}'] });
    const cwd = await mkdtemp(join(tmpdir(), 'golive-preset-none-'));
    await writeFile(join(cwd, 'golive.config.json'), JSON.stringify({ preset: 'none' }));
    const refused = await runCli(['check', '--target', t.url, '--phases', 'health,load', '--out', join(cwd, 'r')], { cwd });
    expect(refused.code).toBe(104);
    expect(refused.stderr).toMatch(/invalid config: preset: 'none' drops the runbook's health checks, but phases lists health/);
    expect(t.seen).toEqual([]);
    const ran = await runCli(['check', '--target', t.url, '--requests', '5', '--out', join(cwd, 'o')], { cwd });
    expect(ran.code, ran.stderr).toBe(0);
    const s = JSON.parse(await readFile(join(cwd, 'o', 'summary.json'), 'utf8')) as RunResult;
    expect(s.golive.phases.map((p) => p.name)).toEqual(['load']);
    expect(t.seen).toEqual(Array(5).fill('GET /health'));
  });

  it('a 200 health body that is not JSON fails "body is healthy" in the runbook\'s words (as under k6)', async () => {
    const t = await target({ '/health': [200, 'OK'], '/api/v1/data/health': [200, '{"status":"up"}'] });
    const cwd = await mkdtemp(join(tmpdir(), 'golive-preset-text-'));
    const res = await runCli(['check', '--target', t.url, '--phases', 'health', '--out', join(cwd, 'o')], { cwd });
    expect(res.code).toBe(99);
    const s = JSON.parse(await readFile(join(cwd, 'o', 'summary.json'), 'utf8')) as RunResult;
    const failed = s.golive.checks.filter((c) => c.fails > 0).map((c) => [c.name, c.reasons]);
    expect(failed).toEqual([['GET /health body is healthy', ['body: expected JSON, got text that does not parse']]]);
    expect(s.golive.rollback.triggered).toBe(false);
  });
});
