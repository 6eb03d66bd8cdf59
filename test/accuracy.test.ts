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
 *
 * On a shared machine the truth itself drifts by milliseconds from one run to
 * the next (other processes' load comes and goes), far more than the 1 ms being
 * judged. So the verdict is the median over ROUNDS of the gap between a golive
 * run and the minimal client's run beside it, the two alternating which goes
 * first: a neighbour's burst spoils a round or two, not the median, while an
 * overhead of golive's own shows in every round. The control holds the same
 * judgment to a golive that is 2 ms slow (a proxy delays what it reads): it
 * must fail.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result.js';
import type { LatencySnapshot } from '../src/reference-api/server-latency.js';
import { ROOT, runCli, spawnReferenceApi } from './support/processes.js';
import type { SpawnedApi } from './support/processes.js';
import { abPercentile } from './support/parity.js';
import { median } from '../scripts/bench/stats.js';

const run = promisify(execFile);
const LATENCY_MS = 50;
// Enough that the first requests of a fresh process (connecting, code not yet optimised) are
// well inside the top 5 % rather than deciding the p95.
const REQUESTS = 1000;
const ROUNDS = 7;
const TOLERANCE_MS = Math.max(1, LATENCY_MS * 0.02);
let api: SpawnedApi;

beforeAll(async () => {
  await run('ab', ['-V']).catch(() => {
    throw new Error('ab not found: install it with `apt-get install -y apache2-utils` (.ci/run does)');
  });
  api = await spawnReferenceApi('t', ['--latency', `fixed:${LATENCY_MS}`]);
  // Warm the server first (its JIT and its sockets; ab, then a full minimal-client run): a cold
  // target's slower request parsing happens before its own clock starts, so it would count
  // against the client.
  await run('ab', ['-k', '-n', '500', '-c', '10', `${api.url}/health`], { timeout: 60_000 });
  await minimalClientP95();
}, 120_000);
afterAll(async () => api?.stop());

/** The median of the rounds' gaps (golive minus the truth beside it), and whether it is within the tolerance (a round without a number fails it). */
function judgeGaps(gaps: readonly number[], tolerance: number): { median: number; within: boolean } {
  const m = median(gaps);
  return { median: m, within: gaps.every(Number.isFinite) && Math.abs(m) <= tolerance };
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

/** golive's p95 of a closed-model load of REQUESTS at `target` (the server itself, or the delaying proxy). */
async function goliveP95(target: string): Promise<{ p95: number; server: LatencySnapshot }> {
  const out = await mkdtemp(join(tmpdir(), 'golive-acc-'));
  await serverLatency(true);
  const res = await runCli(['check', '--target', target, '--phases', 'load', '--requests', String(REQUESTS), '--concurrency', '10', '--out', out], { deadlineMs: 120_000 });
  expect(res.code, res.stderr).toBe(0);
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunResult;
  const p95 = summary.metrics['http_req_duration{phase:load}']?.values['p(95)'] ?? NaN;
  const server = await serverLatency(true);
  expect(server.count).toBe(REQUESTS);
  expect(p95).toBeGreaterThanOrEqual(LATENCY_MS);
  return { p95, server };
}

/** ROUNDS of a golive run and a minimal-client run beside it, alternating which goes first. */
async function rounds(target: string, n: number): Promise<{ gaps: number[]; lines: string[] }> {
  const gaps: number[] = [];
  const lines: string[] = [];
  for (let r = 0; r < n; r++) {
    let truth = r % 2 ? await minimalClientP95() : NaN;
    const { p95, server } = await goliveP95(target);
    if (!(r % 2)) truth = await minimalClientP95();
    gaps.push(p95 - truth);
    lines.push(`golive ${p95.toFixed(2)} truth ${truth.toFixed(2)} (server itself ${server.p95.toFixed(2)})`);
  }
  return { gaps, lines };
}

/** A TCP proxy to the reference API that holds every chunk of the answer `delayMs` before passing it on. */
async function delayingProxy(delayMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const { hostname, port } = new URL(api.url);
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      sockets.add(s);
      s.on('error', () => { client.destroy(); upstream.destroy(); });
      s.on('close', () => { sockets.delete(s); client.destroy(); upstream.destroy(); });
    }
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d) => { setTimeout(() => client.write(d), delayMs); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

describe('latency accuracy against a fixed 50 ms server', () => {
  it('measures p95 within max(1 ms, 2 %) of the truth (median over alternated rounds) and within 5 % of ab', async () => {
    const { gaps, lines } = await rounds(api.url, ROUNDS);
    const verdict = judgeGaps(gaps, TOLERANCE_MS);
    console.info(`accuracy: median gap ${verdict.median.toFixed(2)} ms over ${ROUNDS} rounds: ${lines.join('; ')}`);
    expect(verdict.within, `median gap ${verdict.median.toFixed(2)} ms, not within ${TOLERANCE_MS} ms: ${lines.join('; ')}`).toBe(true);

    // The runbook's own command, against the same server, each run right after a golive run (the truth drifts
    // between minutes): up to three such pairs, as a noisy neighbour spoils a pair, not a tool's own overhead.
    const pairs: string[] = [];
    let abWithin = false;
    for (let attempt = 1; attempt <= 3 && !abWithin; attempt++) {
      const { p95 } = await goliveP95(api.url);
      const ab = await run('ab', ['-n', String(REQUESTS), '-c', '10', `${api.url}/health`], { timeout: 60_000 });
      const abP95 = abPercentile(ab.stdout, 95);
      pairs.push(`golive ${p95.toFixed(2)} ab ${abP95}`);
      // ab prints whole milliseconds; allow for its resolution as well.
      abWithin = Math.abs(p95 - abP95) <= Math.max(abP95 * 0.05, 1);
    }
    expect(abWithin, `golive p95 not within 5 % of ab's: ${pairs.join('; ')}`).toBe(true);
    // Seven rounds of a golive and a minimal-client run, plus up to three golive-and-ab pairs: minutes on a busy machine.
  }, 300_000);

  it('control: the same judgment fails a golive that adds 2 ms to every response', async () => {
    const proxy = await delayingProxy(2);
    try {
      const { gaps, lines } = await rounds(proxy.url, 3);
      const verdict = judgeGaps(gaps, TOLERANCE_MS);
      console.info(`accuracy control: median gap ${verdict.median.toFixed(2)} ms: ${lines.join('; ')}`);
      expect(verdict.within, `a 2 ms slower golive passed: ${lines.join('; ')}`).toBe(false);
      expect(verdict.median).toBeGreaterThan(2);
    } finally {
      await proxy.close();
    }
  }, 180_000);
});
