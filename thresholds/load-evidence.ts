/**
 * Pure: what a load threshold's failure is evidence of. The one home of two
 * rules (docs/load-models.md):
 *
 * 1. Dropped arrivals. Under the open and staged models an arrival that found
 *    max-in-flight requests already waiting is the target's evidence (k6's
 *    dropped_iterations). The default threshold asks that fewer than 1 % of
 *    the scheduled arrivals were dropped, so "every scheduled arrival sent"
 *    is judged, and its failure says so in words.
 * 2. golive's own lag. In the open model latency runs from the scheduled
 *    time, so golive's lateness can only make the target look slower: a
 *    passing verdict stands whatever the lag. A failing one is voided (exit
 *    107, both numbers named) only when golive's lag could account for it:
 *    judged again on what golive can prove was the target's part of each
 *    request (`golive_target_floor`: bytes written to the end of golive's
 *    last sleep before it read the answer, since its loop cannot sleep with
 *    an answer waiting), it passes. Where that proof is missing (not Linux,
 *    a windowed threshold) the older bounds stand in: the target's part less
 *    the event-loop delay, the figure less the worst lag, and golive's CPU
 *    saturated. A failing dropped_iterations threshold is voided when the
 *    proven part could not have filled the pool, or when it passes without
 *    the drops golive released late.
 */
import type { Workload } from '../src/contract/plan.js';
import type { ThresholdResult } from '../src/core/result.js';
import { arrivalsPerStage, rateProfile, totalArrivals } from '../src/net/load/schedule.js';
import { evaluateThresholds, type ThresholdDefs } from './evaluate.js';
import { compare, parseMetricSelector, parseThreshold } from './parse.js';
import type { MetricSource } from './source.js';
import { formatMeasured } from './source.js';

/** Default: fewer than this share of the scheduled arrivals dropped at max-in-flight. */
export const LOAD_MAX_DROPPED_SHARE = 0.01;
export const DROPPED_SELECTOR = 'dropped_iterations{phase:load}';
/** What of each request golive can prove was the target's (src/net/load/sleep-floor.ts). */
export const FLOOR = 'golive_target_floor';
const FLOOR_WORDS = "bytes written to the end of golive's last sleep before it read the answer";
/** How a voided threshold's line starts (the run's error, exit 107). */
export const LAG_VOID_REASON = "golive's own lag could account for a failing threshold";


/** `count<N`: N is 1 % of the arrivals the schedule holds (k6's dropped_iterations is a count). */
export function droppedIterationsDefault(w: Workload): string | undefined {
  if (w.model === 'closed') return undefined;
  const limit = LOAD_MAX_DROPPED_SHARE * totalArrivals(rateProfile(w));
  return `count<${Number(limit.toPrecision(6))}`;
}

/** The highest arrival rate (per second) of the selector's stage, or of the whole run. */
function peakRate(w: Workload, stage: string | undefined): number | undefined {
  if (w.model === 'closed') return undefined;
  const p = rateProfile(w);
  const i = stage === undefined ? -1 : p.stageNames.indexOf(stage);
  const segs = p.segments.filter((s) => i < 0 || s.stage === i);
  return Math.max(0, ...segs.map((s) => Math.max(s.fromRate, s.toRate)));
}

/**
 * Why the full pool may be golive's own doing: at `rate` arrivals per second
 * the maxInFlight requests are all out only when requests take at least
 * maxInFlight / rate; when the target's own part, less golive's event-loop
 * delay (its reading), stays under that, golive's slow reading filled the pool.
 */
function poolFilledByUs(source: MetricSource, tags: Record<string, string>, w: Workload & { maxInFlight: number }): string | undefined {
  const rate = peakRate(w, tags['stage']);
  const stageTags: Record<string, string> = tags.stage !== undefined ? { phase: 'load', stage: tags.stage } : { phase: 'load' };
  const target = source.select('golive_target_duration', stageTags);
  if (rate === undefined || !(rate > 0) || target === undefined || target.samples === 0) return undefined;
  const fillMs = (w.maxInFlight / rate) * 1000;
  const floor = source.select(FLOOR, stageTags);
  if (floor !== undefined && floor.samples > 0) {
    const proven = floor.value('p(99)') ?? 0;
    if (proven >= fillMs) return undefined;
    return `${w.maxInFlight} requests are all out at ${rate} req/s only when requests take ${msText(fillMs)}, and the part golive can prove was the target's was p(99)=${msText(proven)} (${FLOOR_WORDS}): golive's slow reading may have filled them`;
  }
  const own = target.value('p(99)') ?? 0;
  const { ms: loop } = loopDelay(source, 'p(99)');
  if (own - loop >= fillMs) return undefined;
  return `${w.maxInFlight} requests are all out at ${rate} req/s only when requests take ${msText(fillMs)}, and the target's own part was p(99)=${msText(own)} while golive's event loop was delayed at p99 by ${msText(loop)}: golive's slow reading may have filled them`;
}

/** Arrivals the schedule holds for the selector's stage (or the whole run). */
function scheduledFor(w: Workload, stage: string | undefined): number | undefined {
  if (w.model === 'closed') return undefined;
  const p = rateProfile(w);
  if (stage === undefined) return totalArrivals(p);
  const i = p.stageNames.indexOf(stage);
  return i < 0 ? undefined : arrivalsPerStage(p)[i];
}

const pct = (share: number): string => `${share >= 0.1 ? Math.round(share * 100) : Number((share * 100).toPrecision(2))} %`;
const msText = (n: number): string => formatMeasured(n, 'time');

/**
 * ms: how much golive's event loop could have delayed reading a response, as
 * far as it matters to `agg`: the worst delay for `max` (one stall can hold
 * the slowest request), the delay's p99 otherwise (a stall that held fewer
 * than 1 % of the time cannot move a lower percentile or an average by more).
 * 0 when not measured (k6).
 */
function loopDelay(source: MetricSource, agg: string): { ms: number; what: string } {
  const pct = /^p\((\d+(?:\.\d+)?)\)$/.exec(agg);
  const worst = agg === 'max' || (pct !== null && Number(pct[1]) > 99);
  const name = worst ? 'golive_event_loop_delay_max' : 'golive_event_loop_delay_p99';
  const v = source.select(name, { phase: 'load' })?.value('value');
  return { ms: v !== undefined && Number.isFinite(v) ? v : 0, what: worst ? 'up to' : 'at p99 by' };
}

function upperBound(op: string): boolean {
  return op === '<' || op === '<=';
}

/**
 * At or above this share of one CPU golive's single-threaded loop was saturated: its reading may be what was slow.
 * The share is what it wanted: the CPU it used plus the time it was ready but waited for one (a starved
 * machine gives golive less than it wants, so use alone reads 69 % for a loop that never rested).
 */
export const SATURATED_CPU_SHARE = 0.9;

const shareText = (v: number): string => `${Math.round(v * 100)} %`;

/** "golive's process used 97 % of a CPU", when it was saturated during the load */
function cpuShares(source: MetricSource): { used: number; wait: number } | undefined {
  const used = source.select('golive_cpu_busy', { phase: 'load' })?.value('value');
  if (used === undefined || !Number.isFinite(used)) return undefined;
  const waited = source.select('golive_cpu_wait', { phase: 'load' })?.value('value');
  return { used, wait: waited !== undefined && Number.isFinite(waited) && waited > 0 ? waited : 0 };
}

/** "used 20 % of a CPU and waited 60 % of the time for one during the load (it wanted 80 %)" */
function cpuText(source: MetricSource): string | undefined {
  const c = cpuShares(source);
  if (c === undefined) return undefined;
  return c.wait > 0 ? `used ${shareText(c.used)} of a CPU and waited ${shareText(c.wait)} of the time for one during the load (it wanted ${shareText(c.used + c.wait)})` : `used ${shareText(c.used)} of a CPU during the load`;
}

/** `golive_machine_share` (--workers): golive's threads together wanted this share of the machine's CPUs. */
export const MACHINE_SHARE = 'golive_machine_share';

/**
 * Under --workers a thread's sleep proves nothing of the target's part when golive's threads together
 * could fill the machine: the other threads may be what kept the target from a CPU (measured: two threads
 * at 30,000/s on 2 cores with nginx, a floor p99 of 9.7 ms, every CPU golive's).
 */
function threadsFillMachine(source: MetricSource): string | undefined {
  const share = source.select(MACHINE_SHARE, { phase: 'load' })?.value('value');
  if (share === undefined || !Number.isFinite(share) || share < SATURATED_CPU_SHARE) return undefined;
  return `golive's load threads together wanted ${shareText(share)} of the machine's CPUs, so they, not the target, may have been what kept the answers waiting`;
}

function saturated(source: MetricSource): string | undefined {
  const c = cpuShares(source);
  if (c === undefined || !(c.used + c.wait >= SATURATED_CPU_SHARE)) return undefined;
  return `golive's own process ${cpuText(source) ?? ''}, so its reading of the responses, not the target, may be what was slow`;
}

/**
 * With the proof: the failure is the target's exactly when the proven part fails too; otherwise golive's
 * lag, its reading or its starved CPU could account for the rest (named, with what golive measured of itself).
 */
function floorVoid(t: ThresholdResult & { actual: number }, parsed: ReturnType<typeof parseThreshold>, proven: number | undefined, source: MetricSource): string | undefined {
  if (proven === undefined || Number.isNaN(proven) || !compare(proven, parsed.operator, parsed.value)) return undefined;
  const lag = source.select('golive_schedule_lag', { phase: 'load' });
  const lagText = lag !== undefined && lag.samples > 0 ? `; schedule lag p99 ${msText(lag.value('p(99)') ?? 0)}` : '';
  const cpu = cpuText(source);
  return `${LAG_VOID_REASON}: ${t.metric} ${t.expression} measured ${parsed.aggName}=${msText(t.actual)}, but the part golive can prove was the target's (${FLOOR_WORDS}) is ${parsed.aggName}=${msText(proven)}, which would pass${lagText}${cpu !== undefined ? `; golive's own process ${cpu}` : ''}`;
}

/** The void line for a latency threshold golive's lag could explain, or undefined when the failure is the target's. */
function latencyVoid(t: ThresholdResult, source: MetricSource): string | undefined {
  const sel = parseMetricSelector(t.metric);
  if (sel.name !== 'http_req_duration' || sel.tags['phase'] !== 'load' || t.actual === undefined) return undefined;
  const measured = { ...t, actual: t.actual };
  const parsed = parseThreshold(t.expression);
  if (!upperBound(parsed.operator) || parsed.aggName === 'count') return undefined;
  const crowd = threadsFillMachine(source);
  if (crowd !== undefined) return `${LAG_VOID_REASON}: ${t.metric} ${t.expression} measured ${parsed.aggName}=${msText(t.actual)}, but ${crowd}`;
  const floor = parsed.windowSeconds === undefined ? source.select(FLOOR, sel.tags) : undefined;
  if (floor !== undefined && floor.samples > 0) return floorVoid(measured, parsed, floor.value(parsed.aggName), source);
  const busy = saturated(source);
  if (busy !== undefined) return `${LAG_VOID_REASON}: ${t.metric} ${t.expression} measured ${parsed.aggName}=${msText(t.actual)}, but ${busy}`;
  const { ms: loop, what: loopWhat } = loopDelay(source, parsed.aggName);
  const target = source.select('golive_target_duration', sel.tags);
  const lagTags: Record<string, string> = { phase: 'load', ...(sel.tags['stage'] !== undefined ? { stage: sel.tags['stage'] } : {}) };
  const lag = source.select('golive_schedule_lag', lagTags);
  let bound: number;
  let how: string;
  if (target !== undefined && target.samples > 0 && parsed.windowSeconds === undefined) {
    const own = target.value(parsed.aggName);
    if (own === undefined || Number.isNaN(own)) return undefined;
    bound = own - loop;
    how = `the target's own part of each request (bytes written to last byte) is ${parsed.aggName}=${msText(own)}`;
  } else if (lag !== undefined && lag.samples > 0) {
    const lagMax = lag.value('max') ?? 0;
    bound = t.actual - lagMax - loop;
    how = `less golive's worst schedule lag (${msText(lagMax)}) it is ${msText(Math.max(0, t.actual - lagMax))}`;
  } else if (loop > 0 && target === undefined) {
    // The closed model: latency runs from the write; only the reading can be ours.
    bound = t.actual - loop;
    how = `less golive's event-loop delay it is ${msText(Math.max(0, bound))}`;
  } else {
    return undefined;
  }
  if (!compare(Math.max(0, bound), parsed.operator, parsed.value)) return undefined;
  const loopText = loop > 0 ? `, golive's event loop was delayed ${loopWhat} ${msText(loop)}` : '';
  const lagText = lag !== undefined && lag.samples > 0 ? `; schedule lag p99 ${msText(lag.value('p(99)') ?? 0)}` : '';
  return `${LAG_VOID_REASON}: ${t.metric} ${t.expression} measured ${parsed.aggName}=${msText(t.actual)} from the scheduled time, but ${how}${lagText}${loopText}, which would pass`;
}

/** The drop threshold's failure in words, and its void when only late-released drops fail it. */
function droppedEvidence(t: ThresholdResult, source: MetricSource, w: Exclude<Workload, { model: 'closed' }>): ThresholdResult {
  const sel = parseMetricSelector(t.metric);
  if (sel.name !== 'dropped_iterations' || sel.tags['phase'] !== 'load' || t.actual === undefined) return t;
  const dropped = source.select('dropped_iterations', sel.tags)?.value('count') ?? 0;
  const scheduled = scheduledFor(w, sel.tags['stage']);
  const where = sel.tags['stage'] !== undefined ? ` in stage ${sel.tags['stage']}` : '';
  const share = scheduled !== undefined && scheduled > 0 ? `${pct(dropped / scheduled)} of arrivals${where}` : `${dropped} arrivals${where}`;
  const waiting = `${w.maxInFlight} requests already waiting`;
  const proven = source.select(FLOOR, { phase: 'load' });
  const busy = threadsFillMachine(source) ?? (proven !== undefined && proven.samples > 0 ? poolFilledByUs(source, sel.tags, w) : saturated(source) ?? poolFilledByUs(source, sel.tags, w));
  if (busy !== undefined) return { ...t, voided: `${LAG_VOID_REASON}: ${t.metric} ${t.expression}: ${share} found ${waiting}, but ${busy}` };
  const certain = source.select('golive_dropped_arrivals', { ...sel.tags, cause: 'max-in-flight' });
  const late = source.select('golive_dropped_arrivals', { ...sel.tags, cause: 'max-in-flight-late' })?.value('count') ?? 0;
  if (certain !== undefined && late > 0) {
    const parsed = parseThreshold(t.expression);
    const own = certain.value(parsed.aggName);
    if (own !== undefined && compare(own, parsed.operator, parsed.value)) {
      return { ...t, voided: `${LAG_VOID_REASON}: ${t.metric} ${t.expression}: ${share} found ${waiting}, but ${late} of them were released late by golive, and without those ${parsed.aggName}=${formatMeasured(own, 'default')}, which would pass` };
    }
  }
  return { ...t, message: `the target could not keep up: ${share} found ${waiting} (${t.message})` };
}

/**
 * Applies both rules to evaluated thresholds: a failure golive's lag could
 * explain gets `voided` (the run is 107, not 99); a failing drop threshold
 * says what it means. Passing thresholds are returned as they are.
 */
export function judgeLoadEvidence(results: readonly ThresholdResult[], source: MetricSource, workload: Workload): ThresholdResult[] {
  return results.map((t) => {
    if (t.ok || t.voided !== undefined) return t;
    if (workload.model !== 'closed') {
      const d = droppedEvidence(t, source, workload);
      if (d !== t) return d;
    }
    const why = latencyVoid(t, source);
    return why === undefined ? t : { ...t, voided: why };
  });
}

/** The run's one error line when a voided threshold decides it (exit 107). */
export function voidedLine(results: readonly ThresholdResult[]): string | undefined {
  const v = results.filter((t) => t.voided !== undefined);
  const first = v[0];
  if (first === undefined) return undefined;
  return v.length === 1 ? first.voided : `${first.voided} (and ${v.length - 1} more threshold${v.length > 2 ? 's' : ''})`;
}

/** THE evaluation of a run's thresholds, for every engine and for merged runners: evaluated, then judged as evidence. */
export function evaluateRunThresholds(defs: ThresholdDefs, source: MetricSource, durationSeconds: number, workload: Workload): ThresholdResult[] {
  return judgeLoadEvidence(evaluateThresholds(defs, source, durationSeconds), source, workload);
}
