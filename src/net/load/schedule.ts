/**
 * Pure: when each arrival of the open model is due. A rate profile is a list
 * of segments, each ramping linearly from one rate to another over its
 * duration (a constant rate is one flat segment; `--stages` is one segment per
 * stage, ramping from the previous stage's target to its own, like k6's
 * ramping-arrival-rate). Arrival k (0-based) is due at the moment the
 * integral of the rate reaches k, so a constant rate R gives k/R exactly and
 * the count over a run is ceil(integral) — the same for every engine and every
 * runner. Nothing here reads a clock: the generator asks for the next due time
 * and compares it with its own.
 */
import type { Workload } from '../../contract/plan.js';

export interface RateSegment {
  /** ms from the start of the run */
  startMs: number;
  durationMs: number;
  /** arrivals per second at the start and at the end of the segment */
  fromRate: number;
  toRate: number;
  /** index of the stage (0 for a constant rate) */
  stage: number;
}

export interface RateProfile {
  segments: readonly RateSegment[];
  totalMs: number;
  /** the stage tag value of each stage: its config name, or its index */
  stageNames: readonly string[];
  /** constant rate: samples carry no stage tag */
  staged: boolean;
}

type ArrivalWorkload = Exclude<Workload, { model: 'closed' }>;

export function rateProfile(w: ArrivalWorkload): RateProfile {
  if (w.model === 'open') {
    const durationMs = w.durationSeconds * 1000;
    return { segments: [{ startMs: 0, durationMs, fromRate: w.rate, toRate: w.rate, stage: 0 }], totalMs: durationMs, stageNames: ['0'], staged: false };
  }
  const segments: RateSegment[] = [];
  let startMs = 0;
  let from = w.startRate;
  w.stages.forEach((s, stage) => {
    const durationMs = s.durationSeconds * 1000;
    segments.push({ startMs, durationMs, fromRate: from, toRate: s.target, stage });
    startMs += durationMs;
    from = s.target;
  });
  return { segments, totalMs: startMs, stageNames: w.stages.map((s, i) => s.name ?? String(i)), staged: true };
}

/** Arrivals the segment holds: the integral of its rate (fractional). */
export function segmentArrivals(s: RateSegment): number {
  return ((s.fromRate + s.toRate) / 2) * (s.durationMs / 1000);
}

/** How many arrivals the whole profile schedules. */
export function totalArrivals(p: RateProfile): number {
  const sum = p.segments.reduce((n, s) => n + segmentArrivals(s), 0);
  return Math.max(0, Math.ceil(sum - 1e-9));
}

/**
 * One worker's part of the schedule: arrivals `index`, `index + of`, ...
 * (arrival i goes to worker i mod of), so the workers' parts interleave and
 * together are exactly the schedule.
 */
export interface ArrivalShare {
  index: number;
  of: number;
}

export const WHOLE: ArrivalShare = { index: 0, of: 1 };

/** How many of the arrivals [from, to) fall in the share. */
function inShare(from: number, to: number, share: ArrivalShare): number {
  const upTo = (n: number): number => Math.max(0, Math.ceil((n - share.index) / share.of));
  return upTo(to) - upTo(from);
}

/** Arrivals due in each stage (integers that add up to totalArrivals), of the share when given. */
export function arrivalsPerStage(p: RateProfile, share: ArrivalShare = WHOLE): number[] {
  const out = p.stageNames.map(() => 0);
  let before = 0;
  let cum = 0;
  for (const s of p.segments) {
    cum += segmentArrivals(s);
    const upTo = Math.max(0, Math.ceil(cum - 1e-9));
    out[s.stage] = (out[s.stage] ?? 0) + inShare(before, upTo, share);
    before = upTo;
  }
  return out;
}

/**
 * Walks the arrivals in order without allocating: `due` is the next arrival's
 * time in ms from the start of the run (Infinity when there is none left) and
 * `stage` its stage; advance() moves to the one after.
 */
export class ArrivalSchedule {
  due = Infinity;
  stage = 0;
  /** index of the next arrival (in the whole schedule) */
  index: number;
  readonly total: number;
  /** arrivals of the share (the whole schedule's total without one) */
  readonly shareTotal: number;
  private readonly stride: number;
  private seg = 0;
  /** arrivals before the current segment (the integral up to its start) */
  private before = 0;

  constructor(private readonly profile: RateProfile, share: ArrivalShare = WHOLE) {
    this.total = totalArrivals(profile);
    this.index = share.index;
    this.stride = share.of;
    this.shareTotal = inShare(0, this.total, share);
    this.locate();
  }

  advance(): void {
    this.index += this.stride;
    this.locate();
  }

  /** finds the segment holding arrival `index` and its time inside it */
  private locate(): void {
    const segs = this.profile.segments;
    if (this.index >= this.total) {
      this.due = Infinity;
      return;
    }
    for (;;) {
      const s = segs[this.seg];
      if (s === undefined) {
        this.due = Infinity;
        return;
      }
      const n = segmentArrivals(s);
      const m = this.index - this.before;
      if (m < n - 1e-9 || this.seg === segs.length - 1) {
        this.due = s.startMs + timeOfArrival(s, m);
        this.stage = s.stage;
        return;
      }
      this.before += n;
      this.seg++;
    }
  }
}

/**
 * ms into segment s at which the integral of its rate reaches m. With the
 * rate r(t) = a + b·t (per ms), the integral is a·t + b·t²/2; this is the
 * root of that quadratic in the form that stays exact for b = 0 (m/a) and
 * for a = 0 (√(2m/b)).
 */
export function timeOfArrival(s: RateSegment, m: number): number {
  if (m <= 0) return 0;
  const a = s.fromRate / 1000;
  const b = s.durationMs > 0 ? (s.toRate - s.fromRate) / 1000 / s.durationMs : 0;
  const disc = Math.max(0, a * a + 2 * b * m);
  const denom = a + Math.sqrt(disc);
  if (!(denom > 0)) return s.durationMs;
  return Math.min(s.durationMs, (2 * m) / denom);
}

/** Every due time of the profile, in order (tests, and small plans). */
export function arrivalTimes(p: RateProfile, limit = Infinity, share: ArrivalShare = WHOLE): number[] {
  const out: number[] = [];
  const it = new ArrivalSchedule(p, share);
  while (it.due !== Infinity && out.length < limit) {
    out.push(it.due);
    it.advance();
  }
  return out;
}
