/**
 * How true the load phase's numbers are, against a server with a fixed 50 ms
 * latency: golive's p95 must sit within max(1 ms, 2 %) of the truth, and
 * within 5 % of what `ab` (the runbook's own tool) reports.
 *
 * The truth a client can see on this machine is 50 ms plus the server's own
 * timer lateness plus the loopback and scheduling cost of a round trip; on two
 * shared cores the last two reach about a millisecond at p95 for any client,
 * ab included. So the truth is measured, by the smallest possible Node client
 * (test/support/minimal-client.mjs, which does nothing but send and time)
 * against the same warmed server, interleaved with golive's runs: what golive
 * adds beyond it is golive's own error. The server's own view of its latency
 * is printed beside it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result.js';
import type { LatencySnapshot } from '../src/reference-api/server-latency.js';
import { ROOT, runCli, spawnReferenceApi } from './support/processes.js';
import type { SpawnedApi } from './support/processes.js';

const run = promisify(execFile);
const LATENCY_MS = 50;
// Enough that the first requests of a fresh process (connecting, code not yet optimised) are
// well inside the top 5 % rather than deciding the p95.
const REQUESTS = 2000;
let api: SpawnedApi;

beforeAll(async () => {
  await run('ab', ['-V']).catch(() => {
    throw new Error('ab not found: install it with `apt-get install -y apache2-utils` (.ci/run does)');
  });
  api = await spawnReferenceApi('t', ['--latency', `fixed:${LATENCY_MS}`]);
});
afterAll(async () => api?.stop());

/** ab's "95%  51" line of its percentile table, in ms. */
export function abPercentile(output: string, p: number): number {
  const m = new RegExp(`^\\s*${p}%\\s+(\\d+)`, 'm').exec(output);
  if (!m?.[1]) throw new Error(`no ${p}% line in ab output:\n${output}`);
  return Number(m[1]);
}

/** The truth a client can see: the minimal client's p95 against the same server. */
async function minimalClientP95(): Promise<number> {
  const { port } = new URL(api.url);
  const { stdout } = await run(process.execPath, [join(ROOT, 'test/support/minimal-client.mjs'), port, String(REQUESTS), '10'], { timeout: 60_000 });
  return (JSON.parse(stdout) as { p95: number }).p95;
}

async function serverLatency(reset = false): Promise<LatencySnapshot> {
  const res = await fetch(`${api.url}/_reference/latency`, { method: reset ? 'DELETE' : 'GET', signal: AbortSignal.timeout(5000) });
  return (await res.json()) as LatencySnapshot;
}

describe('latency accuracy against a fixed 50 ms server', () => {
  it('measures p95 within max(1 ms, 2 %) of the truth and within 5 % of ab', async () => {
    // Warm the server first (its JIT and its sockets; ab, then a full minimal-client run): a cold target's slower
    // request parsing happens before its own clock starts, so it would count
    // against the client.
    await run('ab', ['-k', '-n', '500', '-c', '10', `${api.url}/health`], { timeout: 60_000 });
    await minimalClientP95();
    const attempts: string[] = [];
    const tolerance = Math.max(1, LATENCY_MS * 0.02);
    let p95 = NaN;
    // Up to five attempts: a noisy neighbour on two cores can spoil a run,
    // but not a tool that adds its own overhead every time.
    for (let attempt = 1; attempt <= 5; attempt++) {
      const out = await mkdtemp(join(tmpdir(), 'golive-acc-'));
      await serverLatency(true);
      const res = await runCli(['check', '--target', api.url, '--phases', 'load', '--requests', String(REQUESTS), '--concurrency', '10', '--out', out]);
      expect(res.code, res.stderr).toBe(0);
      const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunResult;
      p95 = summary.metrics['http_req_duration{phase:load}']?.values['p(95)'] ?? NaN;
      const server = await serverLatency(true);
      expect(server.count).toBe(REQUESTS);
      expect(p95).toBeGreaterThanOrEqual(LATENCY_MS);
      const floor = await minimalClientP95();
      attempts.push(`golive p95 ${p95.toFixed(2)} vs truth ${floor.toFixed(2)} (minimal client; server itself ${server.p95.toFixed(2)})`);
      if (Math.abs(p95 - floor) <= tolerance) break;
    }
    console.info(`accuracy: ${attempts.join('; ')}`);
    const within = (a: string) => {
      const [, got, truth] = /p95 ([\d.]+) vs truth ([\d.]+)/.exec(a) ?? [];
      return Math.abs(Number(got) - Number(truth)) <= tolerance;
    };
    expect(attempts.some(within), `no attempt within max(1 ms, 2 %): ${attempts.join('; ')}`).toBe(true);

    // The runbook's own command, against the same server, right after.
    // ab gets the same allowance for a noisy neighbour as golive did: up to three runs, its best.
    const abRuns: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const ab = await run('ab', ['-n', String(REQUESTS), '-c', '10', `${api.url}/health`], { timeout: 60_000 });
      abRuns.push(abPercentile(ab.stdout, 95));
      if (Math.abs(p95 - Math.min(...abRuns)) <= Math.max(Math.min(...abRuns) * 0.05, 1)) break;
    }
    const abP95 = Math.min(...abRuns);
    // ab prints whole milliseconds; allow for its resolution as well.
    expect(Math.abs(p95 - abP95), `golive p95 ${p95} vs ab p95 ${abRuns.join(', ')}`).toBeLessThanOrEqual(Math.max(abP95 * 0.05, 1));
    // Five attempts of 2000 requests, each with its truth run, plus ab: more than the default 60 s on a busy machine.
  }, 240_000);
});
