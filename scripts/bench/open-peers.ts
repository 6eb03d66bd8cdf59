/**
 * The open model's peers: k6's constant-arrival-rate executor and Vegeta's
 * attack, each one child process at a fixed rate for a fixed time, measured
 * for CPU like every bench run. golive runs through runGolive (peers.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from './proc.js';
import type { PeerResult } from './parse.js';
import { parseK6Summary, parseVegetaReport } from './parse-open.js';

export type OpenTool = 'golive' | 'k6' | 'vegeta';

export interface OpenRun extends PeerResult {
  /** arrivals not sent (golive: at max-in-flight; k6: dropped_iterations; vegeta: asked - sent) */
  dropped: number;
  /** golive: arrivals dropped because the generator was late */
  droppedBehind?: number;
  /** golive: schedule lag p99 (ms) */
  lagP99?: number;
  cpuSeconds: number;
  /** golive: the peak RSS of its process, all threads (MB) */
  maxRssMB?: number;
}

export type OpenOutcome = { ok: true; run: OpenRun } | { ok: false; error: string };

export interface OpenSpec {
  origin: string;
  path: string;
  rate: number;
  seconds: number;
  maxInFlight: number;
  timeoutMs: number;
}

/** The k6 script: one GET per iteration, the end-of-test summary as JSON on stdout. */
export const K6_OPEN_SCRIPT = `import http from 'k6/http';
const R = Number(__ENV.RATE), D = __ENV.DURATION, M = Number(__ENV.MAX_VUS);
export const options = {
  discardResponseBodies: true,
  summaryTrendStats: ['med', 'p(95)', 'p(99)', 'max'],
  scenarios: { open: { executor: 'constant-arrival-rate', rate: R, timeUnit: '1s', duration: D, preAllocatedVUs: M, maxVUs: M, gracefulStop: '5s' } },
};
export default function () { http.get(__ENV.URL, { timeout: __ENV.TIMEOUT }); }
export function handleSummary(data) { return { stdout: JSON.stringify(data.metrics) + '\\n' }; }
`;

export async function runK6Open(k6: string, spec: OpenSpec): Promise<OpenOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'golive-bench-k6-'));
  try {
    const script = join(dir, 'open.js');
    writeFileSync(script, K6_OPEN_SCRIPT);
    const env = { RATE: String(spec.rate), DURATION: `${spec.seconds}s`, MAX_VUS: String(spec.maxInFlight), URL: `${spec.origin}${spec.path}`, TIMEOUT: `${spec.timeoutMs}ms` };
    const args = ['run', '--quiet', '--no-color', '--no-usage-report', ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), script];
    const r = await runCommand(k6, args, spec.seconds * 1000 + 60_000);
    if (r.code !== 0) return { ok: false, error: `k6 exit ${r.code}: ${(r.stderr.trim().split('\n').pop() ?? '').slice(0, 200)}` };
    return { ok: true, run: { ...parseK6Summary(r.stdout, spec.seconds), cpuSeconds: r.cpuSeconds } };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runVegeta(vegeta: string, spec: OpenSpec): Promise<OpenOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'golive-bench-vegeta-'));
  try {
    const targets = join(dir, 'targets.txt');
    const results = join(dir, 'results.bin');
    writeFileSync(targets, `GET ${spec.origin}${spec.path}\n`);
    // Vegeta has no drop: at max-workers it waits, and sends late (measured from the send).
    const r = await runCommand(vegeta, ['attack', `-targets=${targets}`, `-rate=${spec.rate}/1s`, `-duration=${spec.seconds}s`, `-max-workers=${spec.maxInFlight}`,
      `-timeout=${spec.timeoutMs}ms`, '-keepalive=true', `-output=${results}`], spec.seconds * 1000 + 60_000);
    if (r.code !== 0) return { ok: false, error: `vegeta exit ${r.code}: ${(r.stderr.trim().split('\n').pop() ?? '').slice(0, 200)}` };
    const rep = await runCommand(vegeta, ['report', '-type=json', results], 60_000);
    if (rep.code !== 0) return { ok: false, error: `vegeta report exit ${rep.code}` };
    return { ok: true, run: { ...parseVegetaReport(rep.stdout, spec.rate * spec.seconds), cpuSeconds: r.cpuSeconds } };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
