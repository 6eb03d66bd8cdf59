/**
 * golive's side of the benchmark, run in its own process so its CPU time and
 * peak RSS can be read without the targets or the bench itself mixed in. It
 * records exactly what the load phase records for every response (http_reqs,
 * http_req_failed, http_req_duration in HDR histograms, per status) and prints
 * one JSON line.
 */
import type { Workload } from '../../src/contract/plan.js';
import { MetricStore } from '../../src/core/metrics.js';
import { runLoad, type LoadStats } from '../../src/net/load/index.js';
import { runLoadWorkers } from '../../src/net/load/workers/run-workers.js';
import { createSampleRecorder } from '../../src/net/sample-recorder.js';
import { systemClock } from '../../src/core/clock.js';
import type { LoadMix } from '../../src/net/load/types.js';
import type { LoadJudge } from '../../src/phases/load-contract.js';
import { Findings } from '../../src/phases/findings.js';
import { benchContract, BENCH_MIX } from './variants-child.js';

/** What the load sends: one GET, an 80/20 mix of two GETs, or one GET held against a contract. */
export type LoadVariant = 'single' | 'mix' | 'contract' | 'contract-all';

export interface LoadChildArgs {
  origin: string;
  path: string;
  workload: Workload;
  timeoutMs: number;
  maxScheduleLagMs?: number;
  variant?: LoadVariant;
  /** open model: worker threads (--workers), single variant only */
  workers?: number;
}

export interface LoadChildResult {
  started: number;
  completed: number;
  failed: number;
  /** responses outside 2xx-3xx */
  unexpected: number;
  /** open model: arrivals dropped at maxInFlight (the target's side) */
  dropped: number;
  /** open model: arrivals dropped because the generator was late (ours) */
  droppedBehind: number;
  /** open model: arrivals the schedule held */
  expected: number;
  /** open model: scheduled time -> request written, ms */
  lagP50: number;
  lagP99: number;
  /** the generator's event-loop delay p99, ms */
  loopDelayP99: number;
  elapsedMs: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** user + system CPU of this process, start-up included */
  cpuSeconds: number;
  maxRssMB: number;
  errors: Record<string, number>;
  /** variant contract: responses seen, checked, and the checks' CPU ms */
  contract?: { responses: number; checked: number; cpuMs: number };
}

export async function runLoadChild(args: LoadChildArgs): Promise<LoadChildResult> {
  const store = new MetricStore();
  const mix: LoadMix | undefined = args.variant === 'mix' ? BENCH_MIX(args.path) : undefined;
  const recorder = createSampleRecorder(store, { phase: 'load', name: args.path, method: 'GET' }, undefined,
    mix?.requests.map((r) => ({ tags: { name: r.path }, expected: (s: number) => s >= 200 && s < 400 })));
  // The load phase's own judge, as node-engine builds it: the same CPU budget and sampling.
  const judge: LoadJudge | undefined = args.variant === 'contract' || args.variant === 'contract-all' ? await benchContract(args.path, args.variant === 'contract-all') : undefined;
  const found = new Findings();
  const onSample = judge ? (s: Parameters<typeof recorder.onSample>[0]) => { recorder.onSample(s); judge.judge(s, found); } : recorder.onSample;
  const lagRec = store.recorder('golive_schedule_lag', { phase: 'load' }, { type: 'trend', contains: 'time' });
  const common = {
    origin: args.origin,
    request: { method: 'GET' as const, path: args.path },
    ...(mix ? { mix } : {}),
    timeoutMs: args.timeoutMs,
    signal: AbortSignal.timeout(15 * 60_000),
    clock: systemClock,
    ...(args.maxScheduleLagMs !== undefined ? { maxScheduleLagMs: args.maxScheduleLagMs } : {}),
  };
  const w = args.workload;
  let stats: LoadStats;
  let errors = recorder.errors;
  let unexpected = (): number => recorder.unexpected();
  if (w.model !== 'closed' && (args.workers ?? 1) > 1 && !judge && !mix) {
    // The load phase's path with threads: each records its own histograms, merged into this store.
    const run = await runLoadWorkers({ ...common, workload: w, workers: args.workers ?? 1, store, record: { base: { phase: 'load', name: args.path, method: 'GET' } } });
    ({ stats, errors } = run);
    unexpected = () => store.select('http_req_failed', { phase: 'load' })?.value('passes') ?? 0;
  } else {
    stats = await runLoad({ ...common, ...(judge ? { capture: judge.capture } : {}), workload: w, onSample, onLag: (ms) => { lagRec(ms < 0 ? 0 : ms); } });
  }
  const lag = store.select('golive_schedule_lag', { phase: 'load' });
  const d = store.select('http_req_duration', { phase: 'load' });
  const v = (agg: string): number => d?.value(agg) ?? NaN;
  const ru = process.resourceUsage();
  return {
    started: stats.started,
    completed: stats.completed,
    failed: stats.failed,
    unexpected: unexpected(),
    dropped: stats.dropped,
    droppedBehind: stats.droppedBehind,
    expected: stats.stages.reduce((n, st) => n + st.expected, 0),
    lagP50: lag?.value('med') ?? NaN,
    lagP99: lag?.value('p(99)') ?? NaN,
    loopDelayP99: stats.eventLoopDelay.p99,
    elapsedMs: stats.elapsedMs,
    rps: (stats.completed + stats.failed) / (stats.elapsedMs / 1000),
    p50: v('med'),
    p95: v('p(95)'),
    p99: v('p(99)'),
    max: v('max'),
    cpuSeconds: (ru.userCPUTime + ru.systemCPUTime) / 1e6,
    maxRssMB: ru.maxRSS / 1024,
    errors: Object.fromEntries(errors),
    ...(judge ? { contract: judge.stats() } : {}),
  };
}
