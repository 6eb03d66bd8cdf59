/**
 * Section 1: throughput and CPU cost at 10 connections against fast targets,
 * golive vs the peers, interleaved (the order of tools rotates each round)
 * and repeated; medians reported.
 */
import { runAb, runAutocannon, runGolive, runWrk, type LoadSpec, type Outcome, type Tool, type Toolbox } from './peers.js';
import type { Service } from './proc.js';
import { cpuPer10k, median, ratio, rotate } from './stats.js';
import { startNginx, startNodeTarget } from './targets.js';

export interface ThroughputConfig {
  connections: number;
  requests: number;
  /** how long the timed peers (wrk, autocannon) run */
  wrkSeconds: number;
  repeats: number;
  timeoutMs: number;
}

export interface ThroughputRow {
  target: string;
  tool: Tool;
  runs: number;
  rps: number;
  cpuPer10k: number;
  /** every run's requests per second, in run order */
  rpsRuns: number[];
  errors: number;
  failures: string[];
}

export interface ThroughputRatio {
  target: string;
  peer: Tool;
  /** golive rps / peer rps (higher is better for golive) */
  rps: number;
  /** golive CPU per 10k / peer CPU per 10k (lower is better for golive) */
  cpu: number;
}

export interface ThroughputSection {
  config: ThroughputConfig;
  rows: ThroughputRow[];
  ratios: ThroughputRatio[];
  skippedTargets: string[];
}

const TOOLS: readonly Tool[] = ['golive', 'ab', 'autocannon', 'wrk'];

type Log = (line: string) => void;

async function runTool(tool: Tool, box: Toolbox, spec: LoadSpec): Promise<Outcome> {
  switch (tool) {
    case 'golive': return runGolive(box, spec);
    case 'ab': return runAb(box, spec);
    case 'autocannon': return runAutocannon(box, spec);
    case 'wrk': return runWrk(box, spec);
  }
}

function available(tool: Tool, box: Toolbox): boolean {
  return tool === 'golive' || box[tool] !== undefined;
}

export function summarize(target: string, tool: Tool, outcomes: readonly Outcome[]): ThroughputRow {
  const runs = outcomes.flatMap((o) => (o.ok ? [o.run] : []));
  return {
    target,
    tool,
    runs: runs.length,
    rps: median(runs.map((r) => r.rps)),
    cpuPer10k: median(runs.map((r) => cpuPer10k(r.cpuSeconds, r.requests))),
    rpsRuns: runs.map((r) => Math.round(r.rps)),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    failures: outcomes.flatMap((o) => (o.ok ? [] : [o.error])),
  };
}

export function ratiosFor(rows: readonly ThroughputRow[]): ThroughputRatio[] {
  const out: ThroughputRatio[] = [];
  for (const g of rows.filter((r) => r.tool === 'golive')) {
    for (const p of rows.filter((r) => r.target === g.target && r.tool !== 'golive' && r.runs > 0)) {
      out.push({ target: g.target, peer: p.tool, rps: ratio(g.rps, p.rps), cpu: ratio(g.cpuPer10k, p.cpuPer10k) });
    }
  }
  return out;
}

export async function benchThroughput(box: Toolbox, cfg: ThroughputConfig, log: Log): Promise<ThroughputSection> {
  const targets: { name: string; start: () => Promise<Service> }[] = [];
  const skippedTargets: string[] = [];
  if (box.nginx) {
    const nginx = box.nginx;
    targets.push({ name: 'nginx', start: () => startNginx(nginx) });
  } else skippedTargets.push('nginx (not found)');
  targets.push({ name: 'node', start: () => startNodeTarget(box.benchScript, { kind: 'node-min' }) });

  const rows: ThroughputRow[] = [];
  const tools = TOOLS.filter((t) => available(t, box));
  for (const target of targets) {
    let service: Service;
    try {
      service = await target.start();
    } catch (err) {
      skippedTargets.push(`${target.name} (${err instanceof Error ? err.message : String(err)})`);
      continue;
    }
    const spec: LoadSpec = {
      origin: `http://127.0.0.1:${service.port}`,
      path: '/health',
      connections: cfg.connections,
      requests: cfg.requests,
      seconds: cfg.wrkSeconds,
      timeoutMs: cfg.timeoutMs,
    };
    const outcomes = new Map<Tool, Outcome[]>(tools.map((t) => [t, []]));
    try {
      for (let round = 0; round < cfg.repeats; round++) {
        for (const tool of rotate(tools, round)) {
          const o = await runTool(tool, box, spec);
          outcomes.get(tool)!.push(o);
          log(`  ${target.name} round ${round + 1}/${cfg.repeats} ${tool}: ${o.ok ? `${Math.round(o.run.rps)} req/s` : `failed (${o.error})`}`);
        }
      }
    } finally {
      await service.stop();
    }
    for (const tool of tools) rows.push(summarize(target.name, tool, outcomes.get(tool)!));
  }
  return { config: cfg, rows, ratios: ratiosFor(rows), skippedTargets };
}
