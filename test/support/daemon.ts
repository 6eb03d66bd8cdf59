// A long-running test component (etcd, kube-apiserver, containerd, kubelet, ...): its
// output in a log file, its health polled with a deadline, stopped SIGTERM then SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Daemon {
  name: string;
  proc: ChildProcess;
  logFile: string;
  exited: boolean;
}

export async function logTail(d: Daemon, lines = 30): Promise<string> {
  const text = await readFile(d.logFile, 'utf8').catch(() => '');
  return text.split('\n').slice(-lines).join('\n');
}

// A test process that dies without its afterAll (a crash, process.exit) must not leave
// daemons running: whatever is still alive at exit gets SIGKILL (an exit handler must be sync).
const live = new Set<Daemon>();
let exitHook = false;
function killLive(): void {
  for (const d of live) {
    try { d.proc.kill('SIGKILL'); } catch { /* already gone */ }
  }
}

export function startDaemon(dir: string, name: string, bin: string, args: string[], env?: NodeJS.ProcessEnv): Daemon {
  const logFile = join(dir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const proc = spawn(bin, args, { stdio: ['ignore', fd, fd], ...(env ? { env } : {}) });
  closeSync(fd);
  const d: Daemon = { name, proc, logFile, exited: false };
  live.add(d);
  if (!exitHook) { exitHook = true; process.once('exit', killLive); }
  proc.once('exit', () => { d.exited = true; live.delete(d); });
  // A missing binary surfaces through `exited` and the log, not as an unhandled 'error'.
  proc.once('error', () => { d.exited = true; live.delete(d); });
  return d;
}

/** Polls `probe` until it returns true; fails fast if the daemon dies, with its log tail. */
export async function waitHealthy(d: Daemon, what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr = '';
  while (Date.now() < deadline) {
    if (d.exited) {
      throw new Error(`${d.name} exited (code ${d.proc.exitCode}) before ${what}; last log lines:\n${await logTail(d)}`);
    }
    try {
      if (await probe()) return;
    } catch (e) {
      lastErr = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 250)); // poll interval, not synchronisation
  }
  throw new Error(`${d.name}: ${what} not reached within ${timeoutMs} ms (last error: ${lastErr || 'none'}); last log lines:\n${await logTail(d)}`);
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopDaemon(d: Daemon, graceMs = 10_000): Promise<void> {
  if (d.exited || d.proc.exitCode !== null || d.proc.signalCode !== null) return;
  const gone = new Promise<void>((r) => d.proc.once('exit', () => r()));
  d.proc.kill('SIGTERM');
  const timer = setTimeout(() => d.proc.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}
