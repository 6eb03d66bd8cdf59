/**
 * Pure: how N worker threads share one open-model run, and how their counts
 * add back up. Arrival i of the schedule goes to worker i mod N (schedule.ts,
 * ArrivalShare), so together they send exactly the asked arrival process.
 * max-in-flight is SPLIT, not shared: worker k may hold its own part of the
 * cap (the parts add up to it), so the connections of all workers together
 * stay within --max-in-flight (and the file-descriptor budget checked before
 * the run), and the hot path needs no counter shared between threads. An
 * arrival is dropped when its worker's part is all out: with arrivals dealt
 * round-robin every part sees the same target, so a target that holds its
 * requests fills every part alike.
 */
import { MetricStore } from '../../../core/metrics.js';
import { Timeline } from '../../../core/timeline.js';
import type { StageCounts } from '../pacer.js';
import type { Flush } from './protocol.js';
import type { ArrivalWorkload, LoadStats, LoopDelay } from '../types.js';

/** Parts of `max` for `n` workers: as equal as integers allow, adding up to max. */
export function splitInFlight(max: number, n: number): number[] {
  const base = Math.floor(max / n);
  return Array.from({ length: n }, (_, k) => base + (k < max % n ? 1 : 0));
}

/** Worker k's workload: the same schedule, its part of max-in-flight. */
export function workerWorkloads(w: ArrivalWorkload, n: number): ArrivalWorkload[] {
  return splitInFlight(w.maxInFlight, n).map((maxInFlight) => ({ ...w, maxInFlight }));
}

function addStages(into: StageCounts[], from: readonly StageCounts[]): void {
  from.forEach((c, i) => {
    const t = into[i];
    if (t === undefined) {
      into[i] = { ...c };
      return;
    }
    t.expected += c.expected;
    t.sent += c.sent;
    t.droppedMaxInFlight += c.droppedMaxInFlight;
    t.droppedLate += c.droppedLate;
    t.droppedBehind += c.droppedBehind;
    // The stage ended when its last arrival was released, by whichever worker.
    t.lastReleaseMs = Math.max(t.lastReleaseMs, c.lastReleaseMs);
  });
}

/** The worst loop of all: a stall in any worker delays the responses it reads. */
function worstLoop(parts: readonly LoopDelay[]): LoopDelay {
  return parts.reduce((a, b) => ({ p50: Math.max(a.p50, b.p50), p99: Math.max(a.p99, b.p99), max: Math.max(a.max, b.max) }), { p50: 0, p99: 0, max: 0 });
}

/**
 * The run's counts from every worker's: counts add, per stage too; the loop
 * delay is the worst worker's. CPU and elapsed time are the whole process's,
 * measured by the coordinator: cpuMs and the CPU wait are given per worker
 * thread on average (process CPU / N), so golive_cpu_busy stays "share of one
 * thread's CPU"; machineShare is all of it against the machine's CPUs.
 */
export function mergeStats(parts: readonly LoadStats[], whole: { cpuMs: number; elapsedMs: number; cpus: number }): LoadStats {
  const stages: StageCounts[] = [];
  let started = 0, completed = 0, failed = 0, staleRetries = 0, dropped = 0, droppedBehind = 0;
  let aborted = false;
  for (const p of parts) {
    started += p.started;
    completed += p.completed;
    failed += p.failed;
    staleRetries += p.staleRetries;
    dropped += p.dropped;
    droppedBehind += p.droppedBehind;
    aborted ||= p.aborted;
    addStages(stages, p.stages);
  }
  const profile = parts.find((p) => p.profile !== undefined)?.profile;
  const waits = parts.map((p) => p.cpuWaitMs);
  const waited = waits.every((w): w is number => w !== undefined) && waits.length > 0 ? waits.reduce((a, b) => a + b, 0) : undefined;
  const n = Math.max(1, parts.length);
  return {
    started, completed, failed, staleRetries, dropped, droppedBehind, stages, aborted,
    ...(profile !== undefined ? { profile } : {}),
    eventLoopDelay: worstLoop(parts.map((p) => p.eventLoopDelay)),
    cpuMs: whole.cpuMs / n,
    ...(waited !== undefined ? { cpuWaitMs: waited / n } : {}),
    // one thread's sleep is its own proof (a runner's share of max-in-flight may leave one thread): no share then
    ...(parts.length > 1 && whole.elapsedMs > 0 && whole.cpus > 0 ? { machineShare: (whole.cpuMs + (waited ?? 0)) / whole.elapsedMs / whole.cpus } : {}),
    elapsedMs: whole.elapsedMs,
  };
}

/** Adds a worker's flush to the phase's store: its series decoded, its raw timeline sealed here, off the worker's loop. */
export function mergeFlush(store: MetricStore, f: Pick<Flush, 'series' | 'timeline'>): void {
  store.merge(MetricStore.fromJSON(f.series));
  store.timeline.merge(Timeline.fromRaw(f.timeline));
}
