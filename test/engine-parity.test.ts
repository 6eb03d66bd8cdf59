/**
 * Engine parity, under the real k6 (test/support/k6.ts): every reference-API
 * case runs through the real CLI with --engine node and --engine k6 against a
 * fresh reference API each, and the two results must agree on exit code,
 * verdict, phase statuses, failed checks and thresholds (by name), the
 * rollback signal and every per-phase metric the node engine reports, with
 * the same request counts. What k6 cannot measure is named in K6_CANNOT
 * below and in docs/engines.md. The latency comparison with ab is in
 * engine-parity-latency.test.ts (timing project: it runs alone).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result.js';
import { startReferenceApi } from '../src/reference-api/server.js';
import { k6Binary } from './support/k6.js';
import { comparable, p95, readSummary } from './support/parity.js';
import { collect, runCli, spawnCli, spawnReferenceApi } from './support/processes.js';
import { waitFor } from './support/wait.js';

const TOKEN = 'tok-parity-7c41';
export const ENGINES = ['node', 'k6'] as const;
export type Engine = (typeof ENGINES)[number];

/**
 * What the k6 engine's result does not carry, because k6 has no measure of
 * it: the open model's "load generator kept up" check (k6 does not expose its
 * schedule lag; its dropped_iterations is reported). The timeline and the
 * failed requests by cause come from k6's sample stream (engine-parity-stream.test.ts).
 */
export const K6_CANNOT = ['check load/load generator kept up'] as const;

interface Ran { code: number; result: RunResult; stdout: string; stderr: string }
/** a usage error: no report, one line on stderr */
interface Refused { code: number; stderr: string }

async function refusedWith(engine: Engine, cliArgs: string[]): Promise<Refused & { requests: number }> {
  const api = await startReferenceApi({ port: 0, token: TOKEN });
  try {
    const out = await mkdtemp(join(tmpdir(), `golive-parity-${engine}-`));
    const res = await runCli(['check', '--target', api.url, '--out', out, '--engine', engine, ...cliArgs], { env: { K6_BINARY: k6Binary() } });
    return { code: res.code ?? -1, stderr: res.stderr, requests: api.requests() };
  } finally {
    await api.close();
  }
}

async function checkWith(engine: Engine, apiArgs: string[], cliArgs: string[]): Promise<Ran> {
  const api = await spawnReferenceApi(TOKEN, apiArgs);
  try {
    const out = await mkdtemp(join(tmpdir(), `golive-parity-${engine}-`));
    const env = { K6_BINARY: k6Binary(), GOLIVE_TOKEN: TOKEN };
    const res = await runCli(['check', '--target', api.url, '--out', out, '--no-color', '--engine', engine, ...cliArgs], { env, deadlineMs: 120_000 });
    return { code: res.code ?? -1, result: await readSummary(out), stdout: res.stdout, stderr: res.stderr };
  } finally {
    await api.stop();
  }
}

async function both(apiArgs: string[], cliArgs: string[]): Promise<Record<Engine, Ran>> {
  return { node: await checkWith('node', apiArgs, cliArgs), k6: await checkWith('k6', apiArgs, cliArgs) };
}

const CASES: { name: string; api: string[]; cli: string[]; exit: number; failed?: string }[] = [
  { name: 'healthy', api: [], cli: ['--requests', '300'], exit: 0 },
  { name: '--latency fixed:600', api: ['--latency', 'fixed:600'], cli: ['--phases', 'load', '--requests', '60'], exit: 99, failed: 'http_req_duration{phase:load} p(95)<500' },
  { name: '--error-rate 0.03', api: ['--error-rate', '0.03'], cli: ['--requests', '1000'], exit: 99, failed: 'http_req_failed{phase:load} rate<0.01' },
  { name: '--down', api: ['--down'], cli: [], exit: 99, failed: 'checks{phase:health} rate==1' },
  { name: '--bad-schema', api: ['--bad-schema'], cli: ['--requests', '100'], exit: 99, failed: 'checks{phase:market-data} rate==1' },
];

describe('engine parity on the reference API (node vs the real k6)', () => {
  it.each(CASES)('$name: same exit, verdict, failed checks and thresholds, per-phase metrics and counts', async (c) => {
    const r = await both(c.api, c.cli);
    const node = comparable(r.node.result, r.node.code);
    const k6 = comparable(r.k6.result, r.k6.code);
    expect(k6, `node stderr: ${r.node.stderr}\nk6 stderr: ${r.k6.stderr}`).toEqual(node);
    expect(node.exitCode).toBe(c.exit);
    if (c.failed !== undefined) expect(node.failedThresholds).toContain(c.failed);
    // the market-data latency the HTML report draws (it once said "no samples" under k6)
    for (const e of ENGINES) {
      for (const p of r[e].result.golive.phases.filter((x) => x.status !== 'skipped')) {
        expect(p95(r[e].result, p.name), `${e} ${p.name} p95`).toBeGreaterThan(0);
      }
    }
  }, 240_000);

  it('missing token: the same 104 and the same one line under both, before any request', async () => {
    const node = await refusedWith('node', ['--requests', '100']);
    const k6 = await refusedWith('k6', ['--requests', '100']);
    expect(node.code).toBe(104);
    expect(k6).toEqual(node);
    expect(node.requests).toBe(0);
    expect(node.stderr.trim().split('\n')).toHaveLength(1);
    expect(node.stderr).toMatch(/GOLIVE_TOKEN/);
  }, 60_000);

  it('open model (--rate 40 --duration 3): same verdict and checks, arrivals as scheduled under both', async () => {
    // The schedule-lag limit is the node generator's own check (K6_CANNOT), not what this compares;
    // on two shared cores its 5 ms default is about the neighbours.
    const r = await both([], ['--phases', 'load', '--rate', '40', '--duration', '3', '--max-schedule-lag', '1000']);
    const node = comparable(r.node.result, r.node.code, { approxCounts: true });
    expect(r.node.result.golive.checks.map((c) => `check ${c.phase}/${c.name}`)).toEqual([K6_CANNOT[0]]);
    delete node.perPhase['checks{phase:load}'];
    expect(comparable(r.k6.result, r.k6.code, { approxCounts: true }), r.node.stderr).toEqual(node);
    for (const e of ENGINES) {
      // every scheduled arrival is accounted for: sent, or dropped at max-in-flight (k6's dropped_iterations)
      const count = r[e].result.metrics['http_reqs{phase:load}']?.values['count'] ?? 0;
      const dropped = r[e].result.metrics['dropped_iterations']?.values['count'] ?? 0;
      expect(Math.abs(count + dropped - 120), `${e} sent ${count}, dropped ${dropped}`).toBeLessThanOrEqual(2);
      expect(count, `${e} sent ${count}`).toBeGreaterThan(100);
    }
  }, 240_000);

  it('SIGINT during load: 105 and a partial report under both', async () => {
    const seen: Record<string, Ran> = {};
    for (const engine of ENGINES) {
      const local = await startReferenceApi({ port: 0, token: TOKEN, latency: { kind: 'fixed', ms: 20 } });
      try {
        const out = await mkdtemp(join(tmpdir(), `golive-parity-int-${engine}-`));
        const child = spawnCli(['check', '--target', local.url, '--out', out, '--engine', engine, '--phases', 'health,load', '--requests', '100000'], { env: { GOLIVE_TOKEN: TOKEN, K6_BINARY: k6Binary() } });
        const exited = collect(child, 120_000);
        await waitFor(`${engine} load to start`, async () => (local.requests() > 50 || child.exitCode !== null ? true : undefined), 60_000, 20);
        child.kill('SIGINT');
        const res = await exited;
        seen[engine] = { code: res.code ?? -1, result: await readSummary(out), stdout: res.stdout, stderr: res.stderr };
      } finally {
        await local.close();
      }
    }
    const node = seen['node'] as Ran;
    const k6 = seen['k6'] as Ran;
    expect(comparable(k6.result, k6.code, { approxCounts: true }), k6.stderr).toEqual(comparable(node.result, node.code, { approxCounts: true }));
    expect(node.code).toBe(105);
    for (const r of [node, k6]) {
      const count = r.result.metrics['http_reqs{phase:load}']?.values['count'] ?? 0;
      expect(count).toBeGreaterThan(0);
      expect(count).toBeLessThan(100000);
      expect(r.result.golive.phases.find((p) => p.name === 'load')?.status).toBe('aborted');
    }
  }, 240_000);

  it('both engines carry the per-second timeline, with the same request counts', async () => {
    const r = await both([], ['--phases', 'load', '--requests', '50']);
    for (const e of ENGINES) {
      const load = r[e].result.golive.timeline?.series.find((x) => x.phase === 'load');
      expect(load?.reqs.reduce((a, b) => a + b, 0), e).toBe(50);
    }
  }, 120_000);
});
