/**
 * A CPU hog beside golive: `stress-ng --cpu N` (Debian package stress-ng),
 * one busy worker per core, always bounded by its own --timeout and stopped
 * by stop() (the test's teardown). start resolves once every worker burns
 * CPU, so a test never measures a machine that is not yet busy.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { waitFor } from './wait.js';

export interface CpuHog {
  workers: number;
  stop(): Promise<void>;
}

/** clock ticks of user + system time of a process (/proc/PID/stat fields 14 and 15) */
async function cpuTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function childrenOf(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.trim().split(/\s+/).filter(Boolean).map(Number);
}

export async function startCpuHog(seconds: number, workers = availableParallelism()): Promise<CpuHog> {
  const child: ChildProcess = spawn('stress-ng', ['--cpu', String(workers), '--timeout', `${Math.ceil(seconds)}s`, '--quiet'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => { child.once('exit', () => resolve()); });
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`stress-ng could not start (${err.message}): run 'apt-get install -y stress-ng'`)));
  });
  const pid = child.pid;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  if (pid === undefined) return Promise.race([failed, Promise.reject(new Error('stress-ng did not start'))]);
  try {
    await Promise.race([failed, waitFor(`${workers} stress-ng workers burning CPU`, async () => {
      const kids = await childrenOf(pid);
      if (kids.length < workers) return undefined;
      const ticks = await Promise.all(kids.map((k) => cpuTicks(k).catch(() => 0)));
      return ticks.every((t) => t > 0) ? true : undefined;
    }, 10_000, 50)]);
  } catch (err) {
    await stop();
    throw err;
  }
  return { workers, stop };
}
