/**
 * The hostile suite's two processes: our hostile target (server.mjs) and the
 * real built CLI, whose own process.resourceUsage() (peak RSS) comes back
 * through rusage-preload.mjs. Every run collects what a user would see:
 * exit code, wall time, stdout, stderr and the three reports.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../../src/core/result.js';
import { CLI, cleanEnv, collect } from '../support/processes.js';
import { collectJunit } from '../support/junit-collect.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const HOSTILE_SERVER = join(HERE, 'server.mjs');
const PRELOAD = join(HERE, 'rusage-preload.mjs');

/** The secrets every output is grepped for. */
export const TOKEN = 'hostile-token-5f3a9c1e77';
export const URL_PASSWORD = 'url-pw-8d2b41';

export interface Hostile {
  url: string;
  /** requests the target has seen so far */
  requests(): Promise<number>;
  /** redirect mode: followed redirects that arrived with an Authorization header */
  captured(): Promise<number>;
  stop(): Promise<void>;
}

const started: Hostile[] = [];

export async function stopAll(): Promise<void> {
  await Promise.all(started.splice(0).map((h) => h.stop()));
  for (const dir of configDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function startHostile(mode: string): Promise<Hostile> {
  const child = spawn(process.execPath, [HOSTILE_SERVER, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`hostile server did not start: ${err}`)); }, 15_000);
    child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`hostile server exited ${code}: ${err}`)); });
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m?.[1]) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const url = m[1];
      const h: Hostile = {
        url,
        requests: async () => (await stats(url)).requests,
        captured: async () => (await stats(url)).captured,
        stop: () => stopChild(child),
      };
      started.push(h);
      resolve(h);
    });
  });
}

async function stats(url: string): Promise<{ requests: number; captured: number }> {
  const res = await fetch(`${url}/__stats`, { signal: AbortSignal.timeout(5000) });
  return (await res.json()) as { requests: number; captured: number };
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });
}

export interface GoliveRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** the child's peak RSS in MiB, from its own process.resourceUsage() */
  peakRssMiB: number;
  out: string;
  summary: RunResult | undefined;
  /** stdout, stderr and every report, for greps */
  everything: string;
}

export interface GoliveOptions {
  env?: Record<string, string>;
  /** `ulimit -n` for the child */
  nofile?: number;
  /** collect garbage this often (ms) inside the child */
  gcEveryMs?: number;
  deadlineMs?: number;
  /** called with the reports directory before the child starts (e.g. to make a report unwritable) */
  prepareOut?: (out: string) => void;
  /** called once the child is running (e.g. to signal it) */
  onSpawn?: (child: ChildProcess) => void;
}

function readOr(path: string): string {
  try { return readFileSync(path, 'utf8'); } catch { return ''; }
}

export async function runGolive(args: readonly string[], opts: GoliveOptions = {}): Promise<GoliveRun> {
  const out = mkdtempSync(join(tmpdir(), 'golive-hostile-'));
  const rusage = join(out, '.rusage.json');
  opts.prepareOut?.(out);
  // HOSTILE_CLI runs the suite against another build (e.g. the code before a fix).
  const cli = process.env.HOSTILE_CLI ?? CLI;
  const node = [...(opts.gcEveryMs ? ['--expose-gc'] : []), '--import', PRELOAD, cli, 'check', '--out', out, '--no-color', ...args];
  const env = cleanEnv({ GOLIVE_TOKEN: TOKEN, HOSTILE_RUSAGE_FILE: rusage, ...(opts.gcEveryMs ? { HOSTILE_GC_MS: String(opts.gcEveryMs) } : {}), ...opts.env });
  const child = opts.nofile === undefined
    ? spawn(process.execPath, node, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn('bash', ['-c', `ulimit -n ${opts.nofile} && exec "$0" "$@"`, process.execPath, ...node], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const t0 = performance.now();
  opts.onSpawn?.(child);
  const res = await collect(child, opts.deadlineMs ?? 60_000);
  const wallMs = performance.now() - t0;
  const usage = JSON.parse(readOr(rusage) || '{"maxRSS":0}') as { maxRSS: number };
  const reports = ['summary.json', 'junit.xml', 'report.html'].map((f) => readOr(join(out, f)));
  const summaryText = reports[0] ?? '';
  // A hostile target's bytes end up in junit.xml too: test/junit-collected.test.ts holds it to the schema.
  collectJunit(['check', '--out', out, ...args], out);
  rmSync(out, { recursive: true, force: true });
  return {
    ...res, wallMs, out,
    peakRssMiB: usage.maxRSS / 1024,
    summary: summaryText ? JSON.parse(summaryText) as RunResult : undefined,
    everything: [res.stdout, res.stderr, ...reports].join('\n'),
  };
}

/** Secrets and raw terminal controls that must never reach any output. */
export function leaks(text: string): string[] {
  const found: string[] = [];
  if (text.includes(TOKEN)) found.push('the token');
  if (text.includes(URL_PASSWORD)) found.push('a URL password');
  return found;
}

/**
 * `--config` for a test about HTTP, not timing: latency budgets of 10 s (the
 * health response time and the load p95), so a first connect on a busy shared
 * machine cannot fail the run and the test can insist on exit 0. `load` says
 * whether the load phase runs (a threshold on a phase that does not run is refused).
 */
export function roomyLatency(opts: { load: boolean }): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'golive-roomy-'));
  configDirs.push(dir);
  const file = join(dir, 'golive.config.json');
  writeFileSync(file, JSON.stringify({
    health: { maxResponseMs: ROOMY_MS },
    ...(opts.load ? { thresholds: { 'http_req_duration{phase:load}': [`p(95)<${ROOMY_MS}`] } } : {}),
  }));
  return ['--config', file];
}

const ROOMY_MS = 10_000;
const configDirs: string[] = [];

/**
 * Failed checks and thresholds that are not about latency. On a busy shared
 * machine a first request's connect can exceed the runbook's 500 ms budget;
 * that is a verdict on timing, not on the HTTP a test is about.
 */
export function notLatency(summary: RunResult | undefined): string[] {
  const g = summary?.golive;
  if (!g) return ['no summary'];
  return [
    ...g.checks.filter((c) => c.fails > 0 && !/response time/.test(c.name)).map((c) => `${c.phase}/${c.name}: ${c.reasons.join('; ')}`),
    ...g.thresholds.filter((t) => !t.ok && !t.metric.startsWith('http_req_duration') && !t.metric.startsWith('checks')).map((t) => `${t.metric} ${t.expression}`),
  ];
}
