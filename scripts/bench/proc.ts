/**
 * Child processes for the bench, with their CPU time. CPU comes from this
 * process's own /proc/self/stat (cutime + cstime: CPU of children that have
 * been waited for), read before and after each run. The bench runs one
 * measured child at a time; the targets stay alive (not yet waited for), so
 * their CPU never mixes in.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

let clockTicks: number | undefined;

function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5_000 });
    const n = Number(r.stdout?.trim());
    clockTicks = Number.isFinite(n) && n > 0 ? n : 100;
  }
  return clockTicks;
}

/** CPU seconds of every waited-for child so far; NaN where /proc is missing. */
export function childrenCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name (which may contain spaces) start at "state".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // cutime and cstime are fields 16 and 17 of the whole line, 14 and 15 here (1-based: state is 3).
    return (Number(fields[13]) + Number(fields[14])) / ticksPerSecond();
  } catch {
    return NaN;
  }
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  cpuSeconds: number;
  timedOut: boolean;
}

/** Runs a command to completion, killing it after timeoutMs. */
export function runCommand(cmd: string, args: readonly string[], timeoutMs: number): Promise<CommandResult> {
  const cpu0 = childrenCpuSeconds();
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { if (stderr.length < 64_000) stderr += c; });
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.on('error', (err) => { stderr += err.message; });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, wallMs: performance.now() - t0, cpuSeconds: childrenCpuSeconds() - cpu0, timedOut });
    });
  });
}

export interface Service {
  readonly port: number;
  /** the serving process, when it is one (nginx without a master) */
  readonly pid?: number;
  stop(): Promise<void>;
}

/** Waits for a child's first stdout line, parsed as JSON, within timeoutMs. */
export function firstJsonLine(child: ChildProcess, timeoutMs: number, what: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    if (!child.stdout) { reject(new Error(`${what}: no stdout`)); return; }
    const rl = createInterface({ input: child.stdout });
    const fail = (msg: string) => { clearTimeout(timer); rl.close(); reject(new Error(`${what}: ${msg}`)); };
    const timer = setTimeout(() => fail(`no start-up line within ${timeoutMs} ms`), timeoutMs);
    rl.once('line', (line) => {
      clearTimeout(timer);
      rl.close();
      try { resolve(JSON.parse(line)); } catch { reject(new Error(`${what}: unexpected start-up line ${JSON.stringify(line.slice(0, 200))}`)); }
    });
    child.once('exit', (code) => fail(`exited with ${code} before it was ready`));
  });
}

/** Stops a child with SIGTERM, then SIGKILL after graceMs. */
export function stopChild(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  });
}

/** Path of an executable on PATH, or undefined. */
export function which(tool: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8', timeout: 5_000 });
  const p = r.stdout?.trim();
  return r.status === 0 && p ? p : undefined;
}
