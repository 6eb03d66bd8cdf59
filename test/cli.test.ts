/**
 * The real CLI (dist/golive.js) against the real reference API, each in its
 * own process: the go-live verdicts the runbook asks for, end to end.
 */
import { freePort } from './support/ports.js';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result.js';
import { runCli, spawnReferenceApi } from './support/processes.js';
import type { SpawnedApi } from './support/processes.js';

const TOKEN = 'test-token-0123456789';
let api: SpawnedApi | undefined;

afterEach(async () => {
  await api?.stop();
  api = undefined;
});

async function outDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'golive-cli-'));
}

async function summary(dir: string): Promise<RunResult> {
  return JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunResult;
}

async function check(apiArgs: string[], cliArgs: string[], env: Record<string, string> = { GOLIVE_TOKEN: TOKEN }) {
  api = await spawnReferenceApi(TOKEN, apiArgs);
  const out = await outDir();
  const res = await runCli(['check', '--target', api.url, '--out', out, '--no-color', ...cliArgs], { env });
  return { res, out };
}

describe('golive check against the reference API', () => {
  it('passes a healthy system with exit 0 and writes the three reports', async () => {
    const { res, out } = await check([], ['--requests', '200']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/verdict: passed \(exit 0\)/);
    const s = await summary(out);
    expect(s.golive.verdict).toBe('passed');
    expect(s.golive.phases.map((p) => [p.name, p.status])).toEqual([['health', 'passed'], ['market-data', 'passed'], ['load', 'passed']]);
    expect(s.metrics['http_reqs{phase:load}']?.values.count).toBe(200);
    expect(await readFile(join(out, 'junit.xml'), 'utf8')).toContain('<testsuites');
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('<svg');
  });

  it('fails p(95)<500 with exit 99 when every response takes 600 ms, and JUnit names it', async () => {
    const { res, out } = await check(['--latency', 'fixed:600'], ['--phases', 'load', '--requests', '100']);
    expect(res.code).toBe(99);
    expect(res.stdout).toContain('p(95)<500');
    const junit = await readFile(join(out, 'junit.xml'), 'utf8');
    // At least the 600 ms the server waits; a loaded machine only adds to it.
    const p95 = Number(/<failure[^>]*p\(95\)=([\d.]+)ms/.exec(junit)?.[1]);
    expect(p95).toBeGreaterThanOrEqual(600);
    expect(junit).toContain('p(95)&lt;500');
  });

  it('fails rate<0.01 on http_req_failed with 3 % errors', async () => {
    const { res, out } = await check(['--error-rate', '0.03'], ['--phases', 'load', '--requests', '1000']);
    expect(res.code).toBe(99);
    const t = (await summary(out)).golive.thresholds.find((x) => x.metric === 'http_req_failed{phase:load}');
    expect(t?.ok).toBe(false);
    expect(t?.actual).toBeGreaterThan(0.01);
    expect(t?.actual).toBeLessThan(0.06);
  });

  it('fails health, skips load and raises the rollback signal when the service is down', async () => {
    const { res, out } = await check(['--down'], []);
    expect(res.code).toBe(99);
    const s = await summary(out);
    expect(s.golive.phases.find((p) => p.name === 'health')?.status).toBe('failed');
    const load = s.golive.phases.find((p) => p.name === 'load');
    expect(load?.status).toBe('skipped');
    expect(load?.reason).toMatch(/health failed/);
    expect(s.metrics['http_reqs{phase:load}']).toBeUndefined();
    expect(s.golive.rollback.triggered).toBe(true);
    expect(s.golive.rollback.reasons.join(' ')).toMatch(/503/);
    expect(res.stdout).toMatch(/ROLLBACK/i);
  });

  it('fails market-data with the offending field named when the schema is wrong', async () => {
    const { res, out } = await check(['--bad-schema'], ['--phases', 'health,market-data']);
    expect(res.code).toBe(99);
    const schema = (await summary(out)).golive.checks.find((c) => c.name === 'body matches schema');
    expect(schema?.fails).toBe(1);
    expect(schema?.reasons[0]).toMatch(/bars\[\d+\]\.\w+/);
  });

  it('refuses to run market-data without a token, in one line, exit 104', async () => {
    const { res } = await check([], [], {});
    expect(res.code).toBe(104);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/GOLIVE_TOKEN/);
  });

  it('fails with 99 when the wrong token is presented', async () => {
    const { res, out } = await check([], ['--phases', 'market-data'], { GOLIVE_TOKEN: 'wrong' });
    expect(res.code).toBe(99);
    const status = (await summary(out)).golive.checks.find((c) => c.name === 'status is 200');
    expect(status?.reasons.join(' ')).toMatch(/401/);
    expect(await readFile(join(out, 'summary.json'), 'utf8')).not.toContain('wrong');
  });
});

describe('golive check usage errors', () => {
  it('exits 104 with one line pointing to npm run demo when there is no target', async () => {
    const res = await runCli(['check']);
    expect(res.code).toBe(104);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/--target/);
    expect(lines[0]).toMatch(/npm run demo/);
  });

  it('refuses --token (shell history) with 104', async () => {
    const res = await runCli(['check', '--target', 'http://127.0.0.1:9', '--token', 'secret-value']);
    expect(res.code).toBe(104);
    expect(res.stderr).toMatch(/--token-file/);
    expect(res.stderr).not.toContain('secret-value');
  });

  it('reports every config problem at once with its path and flag', async () => {
    const res = await runCli(['check', '--target', 'ftp://x', '--requests=-5', '--phases', 'health,bogus'], { env: { GOLIVE_TOKEN: 't' } });
    expect(res.code).toBe(104);
    // one line per problem, each naming its path, its flag, the value and what was expected
    expect(res.stderr.trim().split('\n')).toEqual([
      'golive: invalid config: target (--target): expected an http(s) URL, e.g. http://127.0.0.1:8080, got "ftp://x"',
      'golive: invalid config: phases.1 (--phases): expected one of edge, health, market-data, checks, load, cluster, monitoring, got "bogus"',
      'golive: invalid config: load.workload.requests (--requests): expected a number more than 0, got -5',
    ]);
  });

  it('names an unknown flag', async () => {
    const res = await runCli(['check', '--target', 'http://127.0.0.1:9', '--bogus']);
    expect(res.code).toBe(104);
    expect(res.stderr.trim()).toMatch(/unknown flag --bogus/);
  });

  it('exits 107 with one line for --engine k6 when no k6 binary is on PATH', async () => {
    const res = await runCli(['check', '--target', 'http://127.0.0.1:9', '--engine', 'k6', '--phases', 'health', '--out', await outDir()], { env: { PATH: '/usr/bin:/bin' } });
    expect(res.code).toBe(107);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/k6 not found/);
  });
});

describe('golive check with an unreachable Prometheus', () => {
  it('retries, still writes its reports and exits 108 on an otherwise passing run', async () => {
    const port = await freePort();
    const { res, out } = await check([], ['--phases', 'health', '--prometheus-rw-url', `http://127.0.0.1:${port}/api/v1/write`]);
    expect(res.code).toBe(108);
    expect(res.stderr).toMatch(/remote write .* failed after \d+ attempts/);
    const s = await summary(out);
    expect(s.golive.verdict).toBe('passed');
    expect(s.golive.deliveries[0]?.ok).toBe(false);
    expect(s.golive.deliveries[0]?.attempts).toBeGreaterThan(1);
  });
});

describe('golive check interrupted', () => {
  it('exits 105 on SIGINT during load and writes a partial report', async () => {
    const { spawnCli, collect } = await import('./support/processes.js');
    const { startReferenceApi } = await import('../src/reference-api/server.js');
    // In-process here, so the test can see the load arriving (its request count).
    const local = await startReferenceApi({ port: 0, token: TOKEN, latency: { kind: 'fixed', ms: 20 } });
    try {
      const out = await outDir();
      const child = spawnCli(['check', '--target', local.url, '--out', out, '--phases', 'health,load', '--requests', '100000'], { env: { GOLIVE_TOKEN: TOKEN } });
      const exited = collect(child, 60_000);
      await new Promise<void>((resolve, reject) => {
        const deadline = Date.now() + 30_000;
        const poll = setInterval(() => {
          if (local.requests() > 50) { clearInterval(poll); resolve(); }
          else if (Date.now() > deadline || child.exitCode !== null) { clearInterval(poll); reject(new Error('load never started')); }
        }, 20);
      });
      child.kill('SIGINT');
      const res = await exited;
      expect(res.code, res.stderr).toBe(105);
      const s = await summary(out);
      expect(s.golive.verdict).toBe('aborted');
      expect(s.golive.phases.find((p) => p.name === 'load')?.status).toBe('aborted');
      const count = s.metrics['http_reqs{phase:load}']?.values.count ?? 0;
      expect(count).toBeGreaterThan(0);
      expect(count).toBeLessThan(100000);
    } finally {
      await local.close();
    }
  });
});

describe('golive check --engine k6 through the CLI', () => {
  it("keeps the real k6's log lines in k6.log with the token masked, also when the target echoes the token", async () => {
    const { createServer } = await import('node:http');
    const { k6Binary } = await import('./support/k6.js');
    // A target that echoes the bearer token as the symbol: the k6 script logs the failed
    // "symbol echoed" check with the value it got, so k6's own log line carries the token.
    const server = createServer((req, res) => {
      req.resume();
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      res.writeHead(req.url === '/api/v1/data/market' && token ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ symbol: token, bars: [] }));
    });
    const url = await new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));
    try {
      const out = await mkdtemp(join(tmpdir(), 'golive-cli-k6-'));
      const res = await runCli(['check', '--target', url, '--engine', 'k6', '--phases', 'market-data', '--out', out], { env: { GOLIVE_TOKEN: TOKEN, K6_BINARY: k6Binary() } });
      expect(res.code, res.stderr).toBe(99);
      const k6Log = await readFile(join(out, 'k6.log'), 'utf8');
      expect(k6Log).toMatch(/level=warn\w* msg="\[market-data\] symbol echoed: [^\n]*got \\"\*\*\*\\"/);
      expect(res.stderr).toMatch(/^k6: \d+ warnings?.* in its log: .*k6\.log$/m);
      expect(res.stdout).toMatch(/symbol echoed .*got "\*\*\*"/);
      expect(res.stderr + res.stdout + k6Log + await readFile(join(out, 'summary.json'), 'utf8') + await readFile(join(out, 'junit.xml'), 'utf8')).not.toContain(TOKEN);
      // the node engine quotes the same body in the same check: masked in its reports too
      const nodeOut = await mkdtemp(join(tmpdir(), 'golive-cli-node-echo-'));
      const node = await runCli(['check', '--target', url, '--phases', 'market-data', '--out', nodeOut], { env: { GOLIVE_TOKEN: TOKEN } });
      expect(node.code, node.stderr).toBe(99);
      expect(node.stdout).toMatch(/symbol echoed .*got "\*\*\*"/);
      expect(node.stderr + node.stdout + await readFile(join(nodeOut, 'summary.json'), 'utf8') + await readFile(join(nodeOut, 'report.html'), 'utf8')).not.toContain(TOKEN);
    } finally {
      await new Promise((r) => server.close(r));
    }
  }, 60_000);
});
