/**
 * The open model's section (issue 13): golive's arrival-rate generator beside
 * k6's constant-arrival-rate and Vegeta, interleaved (the order of tools
 * rotates per rate) against nginx and the Node target at fixed rates, then
 * the highest rate each sustains with < 1 % dropped. golive's closed model
 * against the same target, in the same run, is the reference for p50 and
 * throughput.
 */
import { runGolive, type Outcome, type Toolbox } from './peers.js';
import { runK6Open, runVegeta, type OpenOutcome, type OpenRun, type OpenSpec, type OpenTool } from './open-peers.js';
import type { Service } from './proc.js';
import { cpuPer10k, median, rotate } from './stats.js';
import { startNginx, startNodeTarget } from './targets.js';

export interface OpenModelConfig {
  rates: number[];
  seconds: number;
  /** runs per tool and rate (interleaved); the row is their median */
  repeats: number;
  maxInFlight: number;
  /** ascending rates tried for the highest sustained rate (nginx only); a tool stops at its first miss */
  searchRates: number[];
  closedRequests: number;
  /**
   * closed-model runs per target, spread over the section (before the rates, after them, after the
   * search): one run at the section's start measured half the k6 section's figure on the same
   * quiet machine, so the reference is the median of runs taken across the time the rows were
   */
  closedRuns?: number;
  timeoutMs: number;
}

export interface OpenRow {
  target: string;
  tool: OpenTool;
  rate: number;
  p50?: number;
  p95?: number;
  /** arrivals not sent, all causes */
  dropped?: number;
  /** golive: of those, dropped because the generator was late */
  droppedBehind?: number;
  lagP99?: number;
  rps?: number;
  cpuPer10k?: number;
  /** successful runs the medians are of */
  runs?: number;
  error?: string;
}

export interface ClosedRef {
  target: string;
  /** medians over the runs */
  p50?: number;
  rps?: number;
  /** each run's req/s and CPU seconds per 10k requests, in the order taken */
  runs?: { rps: number; cpuPer10k: number }[];
  error?: string;
}

/** The closed reference from its runs (pure): medians, the first error when none succeeded. */
export function closedRef(target: string, outcomes: readonly Outcome[]): ClosedRef {
  const ok = outcomes.flatMap((o) => (o.ok ? [o.run] : []));
  if (ok.length === 0) return { target, error: outcomes.map((o) => (o.ok ? '' : o.error)).find(Boolean) ?? 'no runs' };
  return {
    target, rps: median(ok.map((r) => r.rps)), p50: median(ok.map((r) => r.p50 ?? NaN)),
    runs: ok.map((r) => ({ rps: r.rps, cpuPer10k: cpuPer10k(r.cpuSeconds, r.requests) })),
  };
}

export interface Sustained {
  tool: OpenTool;
  /** golive: the worker threads it ran on (--workers), 1 when absent */
  workers?: number;
  /** highest rate with < 1 % dropped and >= 99 % of it sent; undefined when even the first missed */
  rate?: number;
  tried: { rate: number; sentPct: number; droppedPct: number }[];
}

export interface OpenSection {
  config: OpenModelConfig;
  closed: ClosedRef[];
  rows: OpenRow[];
  sustained: Sustained[];
  skipped: string[];
}

type Log = (line: string) => void;

/** One open-model run of `tool` (golive on `workers` threads), dropped counting every cause. */
export async function runOpen(tool: OpenTool, box: Toolbox, spec: OpenSpec, workers = 1): Promise<OpenOutcome> {
  if (tool === 'k6') return box.k6 ? runK6Open(box.k6, spec) : { ok: false, error: 'k6 not found' };
  if (tool === 'vegeta') return box.vegeta ? runVegeta(box.vegeta, spec) : { ok: false, error: 'vegeta not found' };
  const o = await runGolive(box, { origin: spec.origin, path: spec.path, connections: 1, requests: 0, seconds: spec.seconds, timeoutMs: spec.timeoutMs },
    { model: 'open', rate: spec.rate, durationSeconds: spec.seconds, maxInFlight: spec.maxInFlight }, workers);
  if (!o.ok) return { ok: false, error: o.error };
  const r = o.run;
  const dropped = (r.dropped ?? 0) + (r.droppedBehind ?? 0);
  return { ok: true, run: { ...r, dropped, ...(r.droppedBehind !== undefined ? { droppedBehind: r.droppedBehind } : {}), ...(r.lagP99 !== undefined ? { lagP99: r.lagP99 } : {}) } };
}

/** Median of each number over the tool's successful runs at one rate (pure). */
export function medianRow(target: string, tool: OpenTool, rate: number, outcomes: readonly OpenOutcome[]): OpenRow {
  const runs = outcomes.flatMap((o) => (o.ok ? [o.run] : []));
  if (runs.length === 0) return { target, tool, rate, error: outcomes.map((o) => (o.ok ? '' : o.error)).find(Boolean) ?? 'no runs' };
  const med = (f: (r: OpenRun) => number | undefined): number | undefined => {
    const v = runs.map(f).filter((x): x is number => x !== undefined && Number.isFinite(x));
    return v.length === 0 ? undefined : median(v);
  };
  const out: OpenRow = { target, tool, rate, runs: runs.length };
  const set = <K extends keyof OpenRow>(k: K, v: OpenRow[K] | undefined): void => { if (v !== undefined) out[k] = v; };
  set('p50', med((r) => r.p50));
  set('p95', med((r) => r.p95));
  set('dropped', med((r) => r.dropped));
  set('droppedBehind', med((r) => r.droppedBehind));
  set('lagP99', med((r) => r.lagP99));
  set('rps', med((r) => r.rps));
  set('cpuPer10k', med((r) => cpuPer10k(r.cpuSeconds, r.requests)));
  return out;
}

/** Sent and dropped as shares of what was asked (pure). */
export function sustainedAt(rate: number, seconds: number, r: OpenRun): { sentPct: number; droppedPct: number; ok: boolean } {
  const asked = rate * seconds;
  const sentPct = (100 * r.requests) / asked;
  const droppedPct = (100 * r.dropped) / asked;
  return { sentPct, droppedPct, ok: droppedPct < 1 && sentPct >= 99 };
}

export function openTools(box: Toolbox): OpenTool[] {
  return ['golive', ...(box.k6 ? ['k6' as const] : []), ...(box.vegeta ? ['vegeta' as const] : [])];
}

export async function benchOpenModel(box: Toolbox, cfg: OpenModelConfig, log: Log): Promise<OpenSection> {
  const skipped: string[] = [];
  const targets: { name: string; start: () => Promise<Service> }[] = [];
  if (box.nginx) {
    const nginx = box.nginx;
    targets.push({ name: 'nginx', start: () => startNginx(nginx) });
  } else skipped.push('nginx (not found)');
  targets.push({ name: 'node', start: () => startNodeTarget(box.benchScript, { kind: 'node-min' }) });
  const tools = openTools(box);
  const rows: OpenRow[] = [];
  const closed: ClosedRef[] = [];
  const sustained: Sustained[] = [];
  for (const [ti, target] of targets.entries()) {
    let service: Service;
    try {
      service = await target.start();
    } catch (err) {
      skipped.push(`${target.name} (${err instanceof Error ? err.message : String(err)})`);
      continue;
    }
    const origin = `http://127.0.0.1:${service.port}`;
    const spec = (rate: number): OpenSpec => ({ origin, path: '/health', rate, seconds: cfg.seconds, maxInFlight: cfg.maxInFlight, timeoutMs: cfg.timeoutMs });
    const closedRuns: Outcome[] = [];
    const runClosed = async (): Promise<void> => {
      const c = await runGolive(box, { origin, path: '/health', connections: 10, requests: cfg.closedRequests, seconds: 0, timeoutMs: cfg.timeoutMs });
      closedRuns.push(c);
      log(`  ${target.name} closed model: ${c.ok ? `${Math.round(c.run.rps)} req/s, p50 ${c.run.p50?.toFixed(3)} ms, ${cpuPer10k(c.run.cpuSeconds, c.run.requests).toFixed(2)} CPU s/10k` : c.error}`);
    };
    // the closed runs spread over the section: [start, after the rates, after the search]
    const closedAt = (slot: number): boolean => slot < (cfg.closedRuns ?? 1);
    try {
      await runClosed();
      for (const [ri, rate] of cfg.rates.entries()) {
        const outcomes = new Map<OpenTool, OpenOutcome[]>(tools.map((t) => [t, []]));
        for (let round = 0; round < cfg.repeats; round++) {
          for (const tool of rotate(tools, ri + round)) {
            const o = await runOpen(tool, box, spec(rate));
            outcomes.get(tool)?.push(o);
            log(`  ${target.name} ${rate}/s ${tool}: ${o.ok ? `p50 ${o.run.p50?.toFixed(3)} p95 ${o.run.p95?.toFixed(3)} ms, dropped ${o.run.dropped}` : o.error}`);
          }
        }
        for (const tool of tools) rows.push(medianRow(target.name, tool, rate, outcomes.get(tool) ?? []));
      }
      if (closedAt(1)) await runClosed();
      if (ti === 0) {
        // golive on one thread and on two (--workers 2, issue 24), beside the peers
        const searched = [...tools.map((tool) => ({ tool, workers: 1 })), { tool: 'golive' as const, workers: 2 }];
        for (const { tool, workers } of searched) {
          const s: Sustained = { tool, ...(workers > 1 ? { workers } : {}), tried: [] };
          const name = workers > 1 ? `${tool} --workers ${workers}` : tool;
          for (const rate of cfg.searchRates) {
            const o = await runOpen(tool, box, spec(rate), workers);
            if (!o.ok) break;
            const at = sustainedAt(rate, cfg.seconds, o.run);
            s.tried.push({ rate, sentPct: at.sentPct, droppedPct: at.droppedPct });
            log(`  ${target.name} highest sustained ${name} ${rate}/s: sent ${at.sentPct.toFixed(1)} %, dropped ${at.droppedPct.toFixed(2)} %`);
            if (!at.ok) break;
            s.rate = rate;
          }
          sustained.push(s);
        }
      }
      if (closedAt(2)) await runClosed();
    } finally {
      closed.push(closedRef(target.name, closedRuns));
      await service.stop();
    }
  }
  return { config: cfg, closed, rows, sustained, skipped };
}
