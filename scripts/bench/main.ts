/**
 * `npm run bench [-- --quick]`: golive's load loop against ab -k, wrk and
 * autocannon on loopback targets it starts itself (issue 4); prints a table
 * and writes bench.json. The same bundle also runs the bench's child
 * processes (`__child load|target JSON`), so targets and load generators
 * never share an event loop with each other or with the orchestration.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchAccuracy, benchStall } from './accuracy.js';
import { benchConfig, USAGE, type BenchConfig, type Section } from './config.js';
import { benchK6 } from './k6-peer.js';
import { runLoadChild, type LoadChildArgs } from './load-child.js';
import { benchOpenModel } from './open-model.js';
import { findTools, type Toolbox } from './peers.js';
import { runCommand } from './proc.js';
import { renderReport } from './render.js';
import { judgeGoals, type BenchReport } from './report.js';
import { benchScale } from './scale.js';
import { benchStartup } from './startup.js';
import { runTargetChild, type TargetSpec } from './target-child.js';
import { benchThroughput } from './throughput.js';
import { benchVariants } from './variants.js';

const log = (line: string): void => { process.stderr.write(`${line}\n`); };

async function tools(root: string, benchScript: string, cfg: BenchConfig): Promise<Toolbox> {
  let box = findTools(root, benchScript);
  if (cfg.install && box.missing.some((m) => m.tool !== 'autocannon')) {
    log(`installing missing peers: ${box.missing.map((m) => m.tool).join(', ')}`);
    const r = await runCommand('sh', [join(root, 'scripts', 'bench', 'setup-peers.sh')], 5 * 60_000);
    if (r.code !== 0) log(`  ${r.stderr.trim().split('\n').pop() ?? `setup-peers exited ${r.code}`}`);
    box = findTools(root, benchScript);
  }
  for (const m of box.missing) log(`not found: ${m.tool} (${m.provider}); its rows are skipped`);
  return box;
}

async function bench(cfg: BenchConfig): Promise<BenchReport> {
  const benchScript = fileURLToPath(import.meta.url);
  const root = resolve(dirname(benchScript), '..');
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const box = await tools(root, benchScript, cfg);
  const section = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const s0 = performance.now();
    log(`${name}:`);
    const result = await run();
    log(`  (${name} took ${((performance.now() - s0) / 1000).toFixed(1)} s)`);
    return result;
  };
  const on = (s: Section): boolean => cfg.sections.includes(s);
  const throughput = on('throughput') ? await section('throughput', () => benchThroughput(box, cfg.throughput, log)) : undefined;
  const accuracy = on('accuracy') ? await section('accuracy', () => benchAccuracy(box, cfg.accuracy, log)) : undefined;
  const stall = on('stall') ? await section('coordinated omission', () => benchStall(box, cfg.accuracy, log)) : undefined;
  const openModel = on('open-model') ? await section('open model', () => benchOpenModel(box, cfg.openModel, log)) : undefined;
  const scale = on('scale') ? await section('scale', () => benchScale(box, cfg.scaleRequests, log)) : undefined;
  const startup = on('startup') ? await section('start-up', () => benchStartup(root, cfg.startupRuns)) : undefined;
  const k6 = on('k6') ? await section('k6 as a peer', () => benchK6(root, box, cfg.k6, log)) : undefined;
  const variants = on('variants') ? await section('single GET, mix and contract', () => benchVariants(box, cfg.variants, log)) : undefined;
  const cpu = cpus();
  const partial: Omit<BenchReport, 'goals'> = {
    mode: cfg.mode,
    startedAt,
    durationSeconds: (performance.now() - t0) / 1000,
    machine: { node: process.version, cpus: cpu.length, cpuModel: cpu[0]?.model.trim() ?? 'unknown', platform: `${process.platform}-${process.arch}` },
    missing: box.missing,
    sections: [...cfg.sections],
    ...(throughput ? { throughput } : {}),
    ...(accuracy ? { accuracy } : {}),
    ...(stall ? { stall } : {}),
    ...(openModel ? { openModel } : {}),
    ...(scale ? { scale } : {}),
    ...(startup ? { startup } : {}),
    ...(k6 ? { k6 } : {}),
    ...(variants ? { variants } : {}),
  };
  return { ...partial, goals: judgeGoals(partial) };
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === '__child') {
    const payload = JSON.parse(argv[2] ?? '{}') as unknown;
    if (argv[1] === 'load') {
      process.stdout.write(`${JSON.stringify(await runLoadChild(payload as LoadChildArgs))}\n`);
      return 0;
    }
    if (argv[1] === 'target') {
      await runTargetChild(payload as TargetSpec, process.stdout);
      return 0;
    }
    throw new Error(`unknown child kind ${JSON.stringify(argv[1])}`);
  }
  const cfg = benchConfig(argv);
  if (cfg === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const report = await bench(cfg);
  process.stdout.write(renderReport(report));
  mkdirSync(cfg.out, { recursive: true });
  const file = join(cfg.out, 'bench.json');
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${file}`);
  return 0;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
