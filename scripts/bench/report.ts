/** The bench report: its JSON shape and the goals of issue 4 judged from it (pure). */
import type { AccuracyRow, StallSection } from './accuracy.js';
import type { ScaleSection } from './scale.js';
import type { StartupSection } from './startup.js';
import type { ThroughputSection } from './throughput.js';

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
  throughput: ThroughputSection;
  accuracy: AccuracyRow[];
  stall: StallSection;
  scale: ScaleSection;
  startup: StartupSection;
  goals: Goal[];
}

const fmt = (n: number | undefined, digits = 2): string => (n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(digits));

export function judgeGoals(r: Omit<BenchReport, 'goals'>): Goal[] {
  const goals: Goal[] = [];
  for (const [peer, min] of [['autocannon', 1.0], ['wrk', 0.75]] as const) {
    for (const x of r.throughput.ratios.filter((q) => q.peer === peer)) {
      goals.push({
        name: `throughput vs ${peer} (${x.target})`,
        goal: `golive/${peer} >= ${min.toFixed(2)}`,
        measured: fmt(x.rps),
        ...(Number.isFinite(x.rps) ? { met: x.rps >= min } : {}),
      });
    }
    if (!r.throughput.ratios.some((q) => q.peer === peer)) {
      goals.push({ name: `throughput vs ${peer}`, goal: `golive/${peer} >= ${min.toFixed(2)}`, measured: `n/a (${peer} not run)` });
    }
  }
  for (const a of r.accuracy) {
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
  const rss = r.scale.peakRssMB;
  goals.push({
    name: `peak RSS, ${r.scale.requests.toLocaleString('en-US')} requests`,
    goal: '<= 150 MB for 1,000,000 requests',
    measured: rss === undefined ? `n/a (${r.scale.error ?? 'not run'})` : `${fmt(rss, 1)} MB`,
    ...(rss !== undefined && r.scale.requests >= 1_000_000 ? { met: rss <= 150 } : {}),
  });
  const help = r.startup.help;
  goals.push({
    name: 'golive --help wall time',
    goal: '< 300 ms',
    measured: 'ms' in help ? `${fmt(help.ms, 0)} ms` : `n/a (${help.na})`,
    ...('ms' in help ? { met: help.ms < 300 } : {}),
  });
  return goals;
}
