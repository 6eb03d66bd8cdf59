/**
 * Section 4: start-up costs a user waits for: `golive --help` (wall time of a
 * fresh process) and bundling the k6 scenarios with esbuild (a fresh process
 * that imports src/engine/k6/bundle.mjs and builds into a temp dir).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCommand } from './proc.js';
import { median } from './stats.js';

export type Timing = { ms: number; runs: number } | { na: string };

export interface StartupSection {
  help: Timing;
  k6Bundle: Timing;
}

async function timeRuns(times: number, cmd: string, args: string[]): Promise<Timing> {
  const walls: number[] = [];
  for (let i = 0; i < times; i++) {
    const r = await runCommand(cmd, args, 120_000);
    if (r.code !== 0) return { na: `exit ${r.code}: ${(r.stderr.trim().split('\n').pop() ?? '').slice(0, 160)}` };
    walls.push(r.wallMs);
  }
  return { ms: median(walls), runs: times };
}

export async function benchStartup(root: string, times: number): Promise<StartupSection> {
  const cli = join(root, 'dist', 'golive.js');
  const help: Timing = existsSync(cli)
    ? await timeRuns(times, process.execPath, [cli, '--help'])
    : { na: 'dist/golive.js not built (npm run build)' };

  const buildK6 = join(root, 'src', 'engine', 'k6', 'bundle.mjs');
  let k6Bundle: Timing = { na: 'src/engine/k6/bundle.mjs not present' };
  if (existsSync(buildK6)) {
    const out = mkdtempSync(join(tmpdir(), 'golive-bench-k6-'));
    try {
      const code = `const m = await import(${JSON.stringify(pathToFileURL(buildK6).href)}); await m.buildK6(${JSON.stringify(root)}, { outDir: ${JSON.stringify(out)} });`;
      k6Bundle = await timeRuns(Math.max(1, Math.min(times - 1, 3)), process.execPath, ['--input-type=module', '-e', code]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  return { help, k6Bundle };
}
