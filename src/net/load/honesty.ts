/**
 * Pure: did the load generator send what was asked? Judged per stage (one
 * stage for a constant rate). A stage passes when the generator released at
 * least 95 % of the stage's arrivals per second (sent, or dropped because
 * maxInFlight requests were out: that is the target being slow, not us) and
 * no arrival was dropped because the generator itself was too late to send
 * it. Schedule lag is reported, and fails the stage only under the opt-in
 * strict limit (load.maxScheduleLagMs): otherwise the thresholds judge what
 * the lag could have changed (thresholds/load-evidence.ts). A failure is
 * ours: exit 107, never 99 and never a pass.
 */
import { GENERATOR_BEHIND_REASON } from '../../../thresholds/index.js';
import type { StageCounts } from './pacer.js';
import type { RateProfile } from './schedule.js';

export const GENERATOR_CHECK = 'load generator kept up';
const MIN_SHARE = 0.95;

export interface StageVerdict {
  stage: string;
  ok: boolean;
  /** arrivals per second the schedule asked for (average over the stage) */
  targetRate: number;
  /** arrivals per second the generator released */
  achievedRate: number;
  lagP99Ms: number;
  droppedBehind: number;
  /** one line: why it failed, or what it did */
  detail: string;
}

export interface HonestyInput {
  profile: RateProfile;
  stages: readonly StageCounts[];
  /** schedule-lag p99 (ms) per stage index; NaN/undefined when nothing was sent */
  lagP99Ms: (stage: number) => number | undefined;
  /** schedule-lag p90 (ms) per stage index: how far behind the generator ran, not a single hiccup */
  lagP90Ms?: (stage: number) => number | undefined;
  /** schedule-lag median (ms) per stage index: a generator falling behind is late on half its arrivals, a busy one's hiccups are not */
  lagP50Ms?: (stage: number) => number | undefined;
  /** opt-in strict limit on the lag p99 (ms); unset, lag alone never fails a stage */
  maxScheduleLagMs?: number;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => (n < 10 ? n.toFixed(2) : n.toFixed(0));

export function judgeGenerator(input: HonestyInput): StageVerdict[] {
  const out: StageVerdict[] = [];
  for (const seg of input.profile.segments) {
    const c = input.stages[seg.stage];
    if (c === undefined || seg.durationMs <= 0 || c.expected === 0) continue;
    const name = input.profile.stageNames[seg.stage] ?? String(seg.stage);
    const targetRate = c.expected / (seg.durationMs / 1000);
    // What it released over the time it took to release it: a generator that
    // cannot keep up releases ever later, which stretches the stage by about
    // its lag p90 (a hiccup at the end, one late arrival, does not); arrivals
    // too late are not released at all: dropped as ours.
    // A generator falling ever further behind has its lag spread evenly up to the final one, so twice
    // the median is that final lag too; a busy machine's hiccups give a long tail over a near-zero
    // median and stretch nothing: the arrivals went out at the asked rate, some late.
    const finite = (v: number | undefined): number => (v !== undefined && Number.isFinite(v) && v > 0 ? v : 0);
    const lag90 = finite(input.lagP90Ms?.(seg.stage));
    const stretchMs = input.lagP50Ms === undefined ? lag90 : Math.min(lag90, 2 * finite(input.lagP50Ms(seg.stage)));
    const spanMs = seg.durationMs + stretchMs;
    const achievedRate = (c.sent + c.droppedMaxInFlight) / (spanMs / 1000);
    const lag = input.lagP99Ms(seg.stage) ?? 0;
    const lagP99Ms = Number.isFinite(lag) ? lag : 0;
    const problems: string[] = [];
    const stretched = stretchMs >= 1 ? `; one in ten arrivals released more than ${ms(stretchMs)} ms late` : '';
    if (achievedRate < MIN_SHARE * targetRate) problems.push(`sent ${int(achievedRate)} of ${int(targetRate)} req/s${stretched}`);
    if (input.maxScheduleLagMs !== undefined && lagP99Ms > input.maxScheduleLagMs) problems.push(`schedule lag p99 ${ms(lagP99Ms)} ms (limit ${ms(input.maxScheduleLagMs)} ms)`);
    if (c.droppedBehind > 0) problems.push(`${int(c.droppedBehind)} arrivals dropped because the generator was late`);
    const ok = problems.length === 0;
    if (!ok && !problems[0]?.startsWith('sent')) problems.unshift(`sent ${int(achievedRate)} of ${int(targetRate)} req/s`);
    out.push({
      stage: name, ok, targetRate, achievedRate, lagP99Ms, droppedBehind: c.droppedBehind,
      detail: ok ? `sent ${int(achievedRate)} of ${int(targetRate)} req/s, schedule lag p99 ${ms(lagP99Ms)} ms` : problems.join('; '),
    });
  }
  return out;
}

/** The one line a run that fell behind ends with (exit 107). */
export function fellBehindLine(v: StageVerdict, staged: boolean): string {
  const where = staged ? ` in stage ${v.stage}` : '';
  return `${GENERATOR_BEHIND_REASON}${where}: ${v.detail}; lower --rate or add runners with \`golive k8s run --parallelism\``;
}
