/**
 * Spawning the real built CLI and reference API as child processes, with
 * deadlines: tests wait for events (a line, an exit), never for time.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectJunit } from './junit-collect.js';

export const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'dist', 'golive.js');
export const REFERENCE_API = join(ROOT, 'dist', 'reference-api.js');

export interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function collect(child: ChildProcess, deadlineMs: number): Promise<Exited> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`process did not exit within ${deadlineMs}ms\nstdout: ${stdout.slice(-2000)}\nstderr: ${stderr.slice(-2000)}`));
    }, deadlineMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  deadlineMs?: number;
}

/** Environment without any GOLIVE_* leaking in from the developer's shell. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GOLIVE_')) env[k] = v;
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

export function spawnCli(args: readonly string[], opts: RunOptions = {}): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? ROOT, env: cleanEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function runCli(args: readonly string[], opts: RunOptions = {}): Promise<Exited> {
  const exited = await collect(spawnCli(args, opts), opts.deadlineMs ?? 60_000);
  collectJunit(args, opts.cwd ?? ROOT);
  return exited;
}

export interface SpawnedApi {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The reference API in its own process, so its timers never share our event
 * loop. The token goes through the environment: a child's argv is visible to
 * every local user.
 */
export function spawnReferenceApi(token: string, args: readonly string[] = [], deadlineMs = 15_000): Promise<SpawnedApi> {
  const child = spawn(process.execPath, [REFERENCE_API, '--port', '0', ...args], { env: cleanEnv({ GOLIVE_TOKEN: token }), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`reference API did not start: ${err}`)); }, deadlineMs);
    child.stderr?.setEncoding('utf8').on('data', (d: string) => { err += d; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`reference API exited ${code}: ${err}`)); });
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on (https?:\/\/\S+)/.exec(out);
      if (!m?.[1]) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const url = m[1];
      resolve({
        url, child,
        stop: () => new Promise<void>((done) => {
          if (child.exitCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGTERM');
        }),
      });
    });
  });
}
