/**
 * Section "variants" (issue 19.3): the closed model's throughput on a single
 * GET must not regress with what issue 19 added. The same run, interleaved
 * rounds, against the same target: one GET; an 80/20 mix of two GETs; one
 * GET held against the API's contract as the load phase does (a CPU budget,
 * then a sample); and every response checked (no budget), which prices a
 * check. Ratios to the single GET; medians.
 */
import type { LoadChildResult, LoadVariant } from './load-child.js';
import type { Toolbox } from './peers.js';
import { runCommand } from './proc.js';
import { cpuPer10k, median, ratio, rotate } from './stats.js';
import { startNodeTarget } from './targets.js';

export interface VariantsConfig {
  connections: number;
  requests: number;
  repeats: number;
  timeoutMs: number;
}

export interface VariantRow {
  variant: LoadVariant;
  runs: number;
  rps: number;
  cpuPer10k: number;
  /** rps / the single GET's rps, and the same for CPU per request */
  rpsRatio: number;
  cpuRatio: number;
  /** contract variants: share of responses checked, CPU µs per check */
  checkedShare?: number;
  usPerCheck?: number;
  failures: string[];
}

export interface VariantsSection {
  config: VariantsConfig;
  target: string;
  rows: VariantRow[];
}

const VARIANTS: readonly LoadVariant[] = ['single', 'mix', 'contract', 'contract-all'];

type Log = (line: string) => void;
type Run = { ok: true; res: LoadChildResult } | { ok: false; error: string };

async function runVariant(box: Toolbox, origin: string, cfg: VariantsConfig, variant: LoadVariant): Promise<Run> {
  const args = { origin, path: '/health', workload: { model: 'closed', requests: cfg.requests, concurrency: cfg.connections }, timeoutMs: cfg.timeoutMs, variant };
  const r = await runCommand(process.execPath, [box.benchScript, '__child', 'load', JSON.stringify(args)], 20 * 60_000);
  if (r.code !== 0) return { ok: false, error: r.stderr.trim().split('\n').pop() ?? `exit ${r.code}` };
  try {
    return { ok: true, res: JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as LoadChildResult };
  } catch {
    return { ok: false, error: 'no result line' };
  }
}

export function variantRows(runs: ReadonlyMap<LoadVariant, readonly Run[]>): VariantRow[] {
  const base = (runs.get('single') ?? []).flatMap((r) => (r.ok ? [r.res] : []));
  const baseRps = median(base.map((r) => r.rps));
  const baseCpu = median(base.map((r) => cpuPer10k(r.cpuSeconds, r.completed + r.failed)));
  return VARIANTS.map((variant) => {
    const all = runs.get(variant) ?? [];
    const ok = all.flatMap((r) => (r.ok ? [r.res] : []));
    const rps = median(ok.map((r) => r.rps));
    const cpu = median(ok.map((r) => cpuPer10k(r.cpuSeconds, r.completed + r.failed)));
    const c = ok.flatMap((r) => (r.contract ? [r.contract] : []));
    return {
      variant, runs: ok.length, rps, cpuPer10k: cpu, rpsRatio: ratio(rps, baseRps), cpuRatio: ratio(cpu, baseCpu),
      ...(c.length ? {
        checkedShare: median(c.map((x) => (x.responses > 0 ? x.checked / x.responses : NaN))),
        usPerCheck: median(c.map((x) => (x.checked > 0 ? (1000 * x.cpuMs) / x.checked : NaN))),
      } : {}),
      failures: all.flatMap((r) => (r.ok ? [] : [r.error])),
    };
  });
}

export async function benchVariants(box: Toolbox, cfg: VariantsConfig, log: Log): Promise<VariantsSection> {
  const service = await startNodeTarget(box.benchScript, { kind: 'node-min' });
  const runs = new Map<LoadVariant, Run[]>(VARIANTS.map((v) => [v, []]));
  try {
    for (let round = 0; round < cfg.repeats; round++) {
      for (const v of rotate(VARIANTS, round)) {
        const r = await runVariant(box, `http://127.0.0.1:${service.port}`, cfg, v);
        runs.get(v)!.push(r);
        log(`  round ${round + 1}/${cfg.repeats} ${v}: ${r.ok ? `${Math.round(r.res.rps)} req/s` : `failed (${r.error})`}`);
      }
    }
  } finally {
    await service.stop();
  }
  return { config: cfg, target: 'node', rows: variantRows(runs) };
}

const n = (v: number | undefined, digits: number) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits));

export function renderVariants(s: VariantsSection): string[][] {
  return [
    ['closed model, GET /health', 'req/s', 'CPU s/10k req', 'req/s vs single', 'CPU vs single', 'checked', 'CPU µs/check'],
    ...s.rows.map((r) => r.runs === 0
      ? [r.variant, `failed: ${r.failures[0] ?? ''}`]
      : [r.variant, n(r.rps, 0), n(r.cpuPer10k, 3), n(r.rpsRatio, 2), n(r.cpuRatio, 2),
        r.checkedShare === undefined ? '' : `${n(100 * r.checkedShare, 1)} %`, n(r.usPerCheck, 1)]),
  ];
}
