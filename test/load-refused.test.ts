/**
 * A 4xx is not an outage (issue 28): every load request refused with the same
 * 4xx is one red line naming the status and the likely cause on our side,
 * exit 99, and no rollback trigger; no answer or a 5xx still raises it.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result.js';
import { judgeAllFailed } from '../src/phases/all-failed.js';
import { runCli } from './support/processes.js';

/** Answers every request with `status`, and counts them. */
function statusServer(status: number): Promise<{ server: Server; url: string; count: () => number }> {
  let n = 0;
  const server = createServer((_req, res) => {
    n++;
    res.writeHead(status, { 'content-type': 'text/plain' }).end('no');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    resolve({ server, url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`, count: () => n });
  }));
}

let srv: Awaited<ReturnType<typeof statusServer>> | undefined;
afterEach(async () => {
  await new Promise((r) => srv?.server.close(r) ?? r(undefined));
  srv = undefined;
});

async function loadAgainst(status: number, extra: string[] = []): Promise<{ code: number | null; stdout: string; summary: RunResult }> {
  srv = await statusServer(status);
  const out = await mkdtemp(join(tmpdir(), 'golive-refused-'));
  const res = await runCli(['check', '--target', srv.url, '--phases', 'load', '--requests', '20', '--no-color', '--out', out, ...extra]);
  return { code: res.code, stdout: res.stdout, summary: JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunResult };
}

describe('every load request failed', () => {
  it('405 on every request: exit 99, one line naming status, request and our likely cause, no rollback trigger', async () => {
    const { code, stdout, summary } = await loadAgainst(405);
    expect(code).toBe(99);
    expect(srv?.count()).toBe(20);
    expect(summary.golive.rollback).toEqual({ triggered: false, reasons: [] });
    expect(stdout).not.toMatch(/ROLLBACK|unavailable/);
    const line = 'every load request got 405 Method Not Allowed for GET /health: check load.method / load.path';
    expect(summary.golive.phases.find((p) => p.name === 'load')).toMatchObject({ status: 'failed', reason: line });
    expect(stdout.split('\n').filter((l) => l.includes(line))).toHaveLength(1);
  });

  it('503 on every request still raises the service-unavailable rollback trigger', async () => {
    const { code, stdout, summary } = await loadAgainst(503);
    expect(code).toBe(99);
    expect(summary.golive.rollback.triggered).toBe(true);
    expect(summary.golive.rollback.reasons).toEqual(['service unavailable: every load request failed (status 503)']);
    expect(stdout).toContain('ROLLBACK TRIGGER: service unavailable');
  });

  it('names the likely cause by status, and a mix with a 5xx or no answer is unavailable', () => {
    const f = (cause: string, count = 5) => ({ phase: 'load' as const, cause, count, side: 'target' as const });
    const req = { method: 'GET', path: '/x' };
    expect(judgeAllFailed([f('status 401')], req)).toEqual({ kind: 'refused', line: 'every load request got 401 Unauthorized for GET /x: check the token (GOLIVE_TOKEN or --token-file) and load.path' });
    expect(judgeAllFailed([f('status 404')], req).line).toBe('every load request got 404 Not Found for GET /x: check load.path (--endpoint)');
    expect(judgeAllFailed([f('status 404', 3), f('status 405', 2)], req)).toEqual({ kind: 'refused', line: 'every load request got a 4xx (404 ×3, 405 ×2) for GET /x: check load.path (--endpoint)' });
    expect(judgeAllFailed([f('status 404'), f('status 502')], req).kind).toBe('unavailable');
    expect(judgeAllFailed([f('ECONNREFUSED')], req)).toEqual({ kind: 'unavailable', line: 'every load request failed (ECONNREFUSED)' });
  });
});
