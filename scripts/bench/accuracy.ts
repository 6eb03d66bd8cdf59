/**
 * Section 2: how true golive's percentiles are. Against reference-API targets
 * with a known latency distribution, golive's p50/p95/p99 beside the truth
 * and ab's; and a target that freezes once every N requests, measured by the
 * closed model (golive, ab) and the open model, with what an open-arrival
 * user would truly see (coordinated omission made visible).
 */
import type { LatencySpec } from '../../src/reference-api/server.js';
import { LATENCY_PATH, type LatencySnapshot } from '../../src/reference-api/server-latency.js';
import { runAb, runGolive, type LoadSpec, type Outcome, type Toolbox } from './peers.js';
import { percentileOf, stallTruthLatencies, withinAccuracy } from './stats.js';
import { startNodeTarget } from './targets.js';

export interface Percentiles { p50?: number; p95?: number; p99?: number }

export interface AccuracyRow {
  target: string;
  requests: number;
  truth: Percentiles;
  golive: Percentiles;
  ab?: Percentiles;
  /**
   * What the target itself observed during golive's run (arrival to last
   * byte): the configured latency plus its own timer lateness, which no
   * client can be blamed for.
   */
  observed?: Percentiles;
  /** golive p95 - truth p95, ms */
  p95Error: number;
  p95WithinGoal: boolean;
  /**
   * golive p95 - ab p95, ms. ab prints whole milliseconds, truncated, so its
   * p95 stands for [p95, p95 + 1): compared against the middle of that range.
   * This isolates golive's own overhead from the target's timing jitter.
   */
  p95VsAb?: number;
  errors: string[];
}

export interface StallSection {
  spec: { every: number; stallMs: number; baseMs: number; connections: number; requests: number; rate: number; durationSeconds: number };
  /** what a user arriving at the open model's constant rate experiences */
  truth: Percentiles;
  closed: Percentiles;
  ab?: Percentiles;
  open: Percentiles & { dropped?: number };
  errors: string[];
}

export interface AccuracyConfig {
  requests: number;
  stallRequests: number;
  stallRate: number;
  stallSeconds: number;
  /** the server freezes at every stallEvery-th request */
  stallEvery: number;
}

type Log = (line: string) => void;

const pick = (o: Outcome): Percentiles => (o.ok ? { p50: o.run.p50, p95: o.run.p95, p99: o.run.p99 } : {});

/** The reference API's own measurement of what it served (see server-latency.ts). */
async function observedBy(origin: string): Promise<Percentiles | undefined> {
  try {
    const res = await fetch(`${origin}${LATENCY_PATH}`, { signal: AbortSignal.timeout(5_000) });
    const s = (await res.json()) as LatencySnapshot;
    return s.count > 0 ? { p50: s.p50, p95: s.p95, p99: s.p99 } : undefined;
  } catch {
    return undefined;
  }
}

/** One tool run against a fresh target, so every run sees the same request sequence. */
async function fresh(box: Toolbox, latency: LatencySpec, run: (origin: string) => Promise<Outcome>): Promise<{ outcome: Outcome; observed?: Percentiles }> {
  const t = await startNodeTarget(box.benchScript, { kind: 'reference', latency });
  const origin = `http://127.0.0.1:${t.port}`;
  try {
    const outcome = await run(origin);
    const observed = await observedBy(origin);
    return { outcome, ...(observed ? { observed } : {}) };
  } finally {
    await t.stop();
  }
}

const spec = (origin: string, requests: number, connections = 10): LoadSpec =>
  ({ origin, path: '/health', connections, requests, seconds: 0, timeoutMs: 10_000 });

export async function benchAccuracy(box: Toolbox, cfg: AccuracyConfig, log: Log): Promise<AccuracyRow[]> {
  const cases: { target: string; latency: LatencySpec; truth: Percentiles }[] = [
    { target: 'fixed 20 ms', latency: { kind: 'fixed', ms: 20 }, truth: { p50: 20, p95: 20, p99: 20 } },
    {
      target: '90% 5 ms / 10% 200 ms',
      latency: { kind: 'bimodal', fastMs: 5, slowMs: 200, slowFraction: 0.1 },
      truth: { p50: 5, p95: 200, p99: 200 },
    },
  ];
  const rows: AccuracyRow[] = [];
  for (const c of cases) {
    const { outcome: g, observed } = await fresh(box, c.latency, (o) => runGolive(box, spec(o, cfg.requests)));
    const a = box.ab ? (await fresh(box, c.latency, (o) => runAb(box, spec(o, cfg.requests)))).outcome : undefined;
    const golive = pick(g);
    const p95Error = (golive.p95 ?? NaN) - (c.truth.p95 ?? NaN);
    rows.push({
      target: c.target,
      requests: cfg.requests,
      truth: c.truth,
      golive,
      ...(a ? { ab: pick(a) } : {}),
      ...(observed ? { observed } : {}),
      p95Error,
      p95WithinGoal: withinAccuracy(golive.p95 ?? NaN, c.truth.p95 ?? NaN),
      ...(a?.ok && a.run.p95 !== undefined ? { p95VsAb: (golive.p95 ?? NaN) - (a.run.p95 + 0.5) } : {}),
      errors: [g, ...(a ? [a] : [])].flatMap((o) => (o.ok ? [] : [`${o.tool}: ${o.error}`])),
    });
    log(`  ${c.target}: golive p95 ${golive.p95?.toFixed(2)} ms (truth ${c.truth.p95})`);
  }
  return rows;
}

export async function benchStall(box: Toolbox, cfg: AccuracyConfig, log: Log): Promise<StallSection> {
  const s = { every: cfg.stallEvery, stallMs: 1000, baseMs: 10, connections: 10, requests: cfg.stallRequests, rate: cfg.stallRate, durationSeconds: cfg.stallSeconds };
  const latency: LatencySpec = { kind: 'stall', ms: s.stallMs, every: s.every, baseMs: s.baseMs };
  const closed = (await fresh(box, latency, (o) => runGolive(box, spec(o, s.requests, s.connections)))).outcome;
  const ab = box.ab ? (await fresh(box, latency, (o) => runAb(box, spec(o, s.requests, s.connections)))).outcome : undefined;
  const open = (await fresh(box, latency, (o) => runGolive(box, spec(o, 0),
    { model: 'open', rate: s.rate, durationSeconds: s.durationSeconds, maxInFlight: 1000 }))).outcome;
  const truth = stallTruthLatencies(s);
  const section: StallSection = {
    spec: s,
    truth: { p50: percentileOf(truth, 50), p95: percentileOf(truth, 95), p99: percentileOf(truth, 99) },
    closed: pick(closed),
    ...(ab ? { ab: pick(ab) } : {}),
    open: { ...pick(open), ...(open.ok ? { dropped: open.run.dropped } : {}) },
    errors: [closed, open, ...(ab ? [ab] : [])].flatMap((o) => (o.ok ? [] : [`${o.tool}: ${o.error}`])),
  };
  log(`  stall: closed p95 ${section.closed.p95?.toFixed(1)} ms, open p95 ${section.open.p95?.toFixed(1)} ms (open-arrival truth ${section.truth.p95?.toFixed(0)})`);
  return section;
}
