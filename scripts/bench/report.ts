/** The bench report: its JSON shape and the goals of issue 4 judged from it (pure). */
import type { AccuracyRow, StallSection } from './accuracy.js';
import { openModelGoals } from './open-goals.js';
import type { OpenSection } from './open-model.js';
import type { ScaleSection } from './scale.js';
import type { StartupSection } from './startup.js';
import type { K6Section } from './k6-peer.js';
import type { ThroughputSection } from './throughput.js';
import type { VariantsSection } from './variants.js';

export interface Goal {
  name: string;
  goal: string;
  measured: string;
  /** undefined when it could not be measured */
  met?: boolean;
}

export interface BenchReport {
  mode: 'quick' | 'full';
  startedAt: string;
  durationSeconds: number;
  machine: { node: string; cpus: number; cpuModel: string; platform: string };
  missing: { tool: string; provider: string }[];
  /** the sections this run ran (`--only` picks some); the others are absent */
  sections: string[];
  throughput?: ThroughputSection;
  accuracy?: AccuracyRow[];
  stall?: StallSection;
  openModel?: OpenSection;
  scale?: ScaleSection;
  startup?: StartupSection;
  /** k6 (the real k6 1.1.0 the tests use) as a peer */
  k6?: K6Section;
  /** issue 19.3: the single GET against a mix and contract sampling, same run */
  variants?: VariantsSection;
  goals: Goal[];
}

const fmt = (n: number | undefined, digits = 2): string => (n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(digits));

export function judgeGoals(r: Omit<BenchReport, 'goals'>): Goal[] {
  const goals: Goal[] = [];
  if (r.throughput) throughputGoals(r.throughput, goals);
  if (r.variants) variantGoals(r.variants, goals);
  if (r.accuracy) accuracyGoals(r.accuracy, goals);
  if (r.stall) {
    // Issue 13: the open model's p95 still shows a freeze at full size.
    const open = r.stall.open?.p95;
    const truth = r.stall.truth?.p95;
    goals.push({
      name: 'open model p95 under a freeze (coordinated omission)',
      goal: `>= 0.9 x the truth's ${fmt(truth, 0)} ms`,
      measured: `${fmt(open, 0)} ms`,
      ...(open !== undefined && truth !== undefined && Number.isFinite(open) ? { met: open >= 0.9 * truth } : {}),
    });
  }
  if (r.openModel) goals.push(...openModelGoals(r.openModel));
  if (r.scale) scaleGoal(r.scale, goals);
  if (r.startup) startupGoal(r.startup, goals);
  if (r.k6) k6StreamGoals(r.k6, goals);
  return goals;
}

/** Issue 21.3: k6 with golive's sample stream keeps its rate (same repeat, k6's own rate), and the reader is cheap. */
function k6StreamGoals(k6: K6Section, goals: Goal[]): void {
  for (const row of k6.rows.filter((x) => x.tool === 'k6 + stream')) {
    const target = row.row.replace(/^throughput /, '');
    const ok = row.ratio !== undefined && Number.isFinite(row.ratio);
    goals.push({
      name: `k6 req/s with the sample stream vs without (${target})`,
      goal: '>= 0.90x',
      measured: ok ? `${fmt(row.ratio)}x` : `n/a${row.error ? ` (${row.error})` : ''}`,
      ...(ok ? { met: (row.ratio ?? 0) >= 0.9 } : {}),
    });
    const cpu = row.cpuPer10k;
    goals.push({
      name: `k6 sample stream reader CPU (${target})`,
      goal: '<= 0.30 CPU s per 10,000 requests',
      measured: cpu === undefined ? 'n/a' : `${fmt(cpu)} CPU s/10k`,
      ...(cpu === undefined || !Number.isFinite(cpu) ? {} : { met: cpu <= 0.3 }),
    });
  }
}

function throughputGoals(t: ThroughputSection, goals: Goal[]): void {
  for (const [peer, min] of [['autocannon', 1.0], ['wrk', 0.75]] as const) {
    for (const x of t.ratios.filter((q) => q.peer === peer)) {
      goals.push({
        name: `throughput vs ${peer} (${x.target})`,
        goal: `golive/${peer} >= ${min.toFixed(2)}`,
        measured: fmt(x.rps),
        ...(Number.isFinite(x.rps) ? { met: x.rps >= min } : {}),
      });
    }
    if (!t.ratios.some((q) => q.peer === peer)) {
      goals.push({ name: `throughput vs ${peer}`, goal: `golive/${peer} >= ${min.toFixed(2)}`, measured: `n/a (${peer} not run)` });
    }
  }
}

function accuracyGoals(accuracy: readonly AccuracyRow[], goals: Goal[]): void {
  for (const a of accuracy) {
    goals.push({
      name: `p95 accuracy (${a.target})`,
      goal: `|p95 - ${a.truth.p95}| <= ${fmt(Math.max(1, 0.02 * (a.truth.p95 ?? 0)))} ms`,
      measured: `${fmt(a.golive.p95)} ms (${a.p95Error >= 0 ? '+' : ''}${fmt(a.p95Error)})`,
      ...(Number.isFinite(a.p95Error) ? { met: a.p95WithinGoal } : {}),
    });
    const seen = a.observed?.p95;
    if (seen !== undefined) {
      // Against what the target observed: golive's own error, without the target's timer lateness.
      const err = (a.golive.p95 ?? NaN) - seen;
      goals.push({
        name: `p95 vs target-observed (${a.target})`,
        goal: `|p95 - ${fmt(seen)}| <= ${fmt(Math.max(1, 0.02 * seen))} ms`,
        measured: `${err >= 0 ? '+' : ''}${fmt(err)} ms`,
        ...(Number.isFinite(err) ? { met: Math.abs(err) <= Math.max(1, 0.02 * seen) } : {}),
      });
    }
    if (a.p95VsAb !== undefined) {
      const abP95 = (a.golive.p95 ?? NaN) - a.p95VsAb;
      goals.push({
        name: `p95 vs ab -k (${a.target})`,
        goal: `within max(1 ms, 5 %) of ab's ${fmt(abP95, 1)} ms`,
        measured: `${a.p95VsAb >= 0 ? '+' : ''}${fmt(a.p95VsAb)} ms`,
        ...(Number.isFinite(a.p95VsAb) ? { met: Math.abs(a.p95VsAb) <= Math.max(1, 0.05 * abP95) } : {}),
      });
    }
  }
}

function scaleGoal(scale: ScaleSection, goals: Goal[]): void {
  const rss = scale.peakRssMB;
  goals.push({
    name: `peak RSS, ${scale.requests.toLocaleString('en-US')} requests`,
    goal: '<= 150 MB for 1,000,000 requests',
    measured: rss === undefined ? `n/a (${scale.error ?? 'not run'})` : `${fmt(rss, 1)} MB`,
    ...(rss !== undefined && scale.requests >= 1_000_000 ? { met: rss <= 150 } : {}),
  });
  const w = scale.workers;
  if (w === undefined) return;
  const wrss = w.peakRssMB;
  goals.push({
    name: `peak RSS, ${w.arrivals.toLocaleString('en-US')} arrivals, open model --workers ${w.threads}`,
    goal: '<= 150 MB all threads, 1,000,000',
    measured: wrss === undefined ? `n/a (${w.error ?? 'not run'})` : `${fmt(wrss, 1)} MB (sent ${fmt(w.sentPct ?? NaN, 1)} %)`,
    ...(wrss !== undefined && scale.requests >= 1_000_000 ? { met: wrss <= 150 } : {}),
  });
}

function startupGoal(startup: StartupSection, goals: Goal[]): void {
  const help = startup.help;
  goals.push({
    name: 'golive --help wall time',
    goal: '< 300 ms',
    measured: 'ms' in help ? `${fmt(help.ms, 0)} ms` : `n/a (${help.na})`,
    ...('ms' in help ? { met: help.ms < 300 } : {}),
  });
}

/** Issue 19.3: what the mix and the contract's sampling cost the closed model's single GET (same run, ratios). */
const NO_REGRESSION = 0.9;

function variantGoals(v: VariantsSection, goals: Goal[]): void {
  for (const variant of ['mix', 'contract'] as const) {
    const row = v.rows.find((r) => r.variant === variant);
    const ok = row !== undefined && Number.isFinite(row.rpsRatio);
    goals.push({
      name: `closed model req/s, ${variant === 'mix' ? '80/20 mix' : 'contract sampling on'} vs single GET`,
      goal: `>= ${NO_REGRESSION.toFixed(2)}x`,
      measured: ok ? `${fmt(row.rpsRatio)}x` : 'n/a',
      ...(ok ? { met: row.rpsRatio >= NO_REGRESSION } : {}),
    });
  }
}
