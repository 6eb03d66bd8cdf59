/**
 * `golive demo` must only ever load its own reference API: a config file in the
 * working directory and GOLIVE_* variables in the shell are ignored, so they
 * cannot redirect the demo's requests (or its token) to a real system.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result.js';
import { runCli } from './support/processes.js';

let server: Server | undefined;
afterEach(async () => { await new Promise((r) => (server ? server.close(r) : r(undefined))); server = undefined; });

/** A "real system" that records every request it gets. */
async function recorder(): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  server = createServer((req, res) => { seen.push(`${req.method} ${req.url}`); res.end('{}'); });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('golive demo ignores outside configuration', () => {
  it('a golive.config.json in the cwd and GOLIVE_* variables do not redirect it', async () => {
    const real = await recorder();
    const cwd = await mkdtemp(join(tmpdir(), 'golive-demo-'));
    const out = join(cwd, 'out');
    await writeFile(join(cwd, 'golive.config.json'), JSON.stringify({ target: real.url, phases: ['health'] }));
    await writeFile(join(cwd, 'token'), 'real-production-token\n');
    const res = await runCli(['demo', '--phases', 'health', '--out', out, '--no-color'], {
      cwd,
      env: { GOLIVE_TARGET: real.url, GOLIVE_TOKEN_FILE: join(cwd, 'token'), GOLIVE_PUSHGATEWAY_URL: real.url, GOLIVE_PROMETHEUS_RW_URL: `${real.url}/api/v1/write` },
    });
    expect(res.code, res.stderr).toBe(0);
    expect(real.seen).toEqual([]);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunResult;
    expect(summary.golive.target).not.toBe(real.url);
    expect(summary.golive.target).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    expect(summary.golive.deliveries).toEqual([]);
    expect(`${res.stdout}${res.stderr}`).not.toContain('real-production-token');
  });

  it.each([['--config', 'x.json'], ['--token-file', 'tok'], ['--target', 'http://127.0.0.1:9']])('%s is refused with 104 and one line', async (flag, value) => {
    const res = await runCli(['demo', flag, value]);
    expect(res.code).toBe(104);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain(flag);
  });
});
