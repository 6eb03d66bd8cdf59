/**
 * The open model's one schedule loop, without I/O: given the time now, it
 * releases every arrival that is due, in order, and says when the next one
 * is. Time is passed in (tests drive it with a fake clock); the generator
 * (open.ts) owns the timers.
 * Per arrival it decides one of three things:
 *  - send: a connection is free (the arrival may be late: its latency runs
 *    from the scheduled time, and the thresholds judge what that lag could
 *    have changed, thresholds/load-evidence.ts);
 *  - drop at max-in-flight: every allowed request is out, so the target is
 *    holding them (k6's dropped_iterations, judged by a default threshold).
 *    Released more than `maxLagMs` late it is also counted as `droppedLate`:
 *    golive's lateness could have caused it (a later send frees a connection
 *    later), so a failing dropped_iterations verdict that passes without those
 *    is voided as ours;
 *  - drop because the generator is behind: the arrival is released more than
 *    `lateMs` after it was due: that is our fault, and the run cannot pass.
 * Per stage it counts what it released and when the last one went, which is
 * what the "load generator kept up" check judges.
 */
import { ArrivalSchedule, arrivalsPerStage, WHOLE, type ArrivalShare, type RateProfile } from './schedule.js';

/** What the pacer asks of the generator for each arrival it releases. */
export interface ArrivalSink {
  /** sends the arrival on a free connection; false when maxInFlight are out */
  trySend(dueAt: number, stage: number, now: number): boolean;
}

export interface StageCounts {
  /** arrivals the schedule holds for the stage */
  expected: number;
  /** handed to a connection */
  sent: number;
  /** no free connection: the target's side (dropped_iterations) */
  droppedMaxInFlight: number;
  /** of droppedMaxInFlight, those released more than maxLagMs late: golive's lateness could explain them */
  droppedLate: number;
  /** released too late or late and without a connection: the generator's side */
  droppedBehind: number;
  /** ms from the run's start at which the stage's last arrival was released */
  lastReleaseMs: number;
}

export interface PacerOptions {
  /** an arrival that finds no free connection this late (ms) is counted as droppedLate too */
  maxLagMs: number;
  /** an arrival released later than this (ms) is dropped as ours instead of sent */
  lateMs: number;
  /** releases per turn at most, so responses are read while we catch up */
  maxPerTurn: number;
}

export class Pacer {
  readonly schedule: ArrivalSchedule;
  readonly stages: StageCounts[];
  /** absolute clock time of the run's start (due times are offsets from it) */
  t0 = 0;
  /** ms between the last arrival released and the next one: this thread's pace (Infinity before the first) */
  gapMs = Infinity;

  /** `share`: a worker thread's interleaved part of the schedule (workers/), the whole by default */
  constructor(readonly profile: RateProfile, private readonly opts: PacerOptions, share: ArrivalShare = WHOLE) {
    this.schedule = new ArrivalSchedule(profile, share);
    this.stages = arrivalsPerStage(profile, share).map((expected) => ({ expected, sent: 0, droppedMaxInFlight: 0, droppedLate: 0, droppedBehind: 0, lastReleaseMs: 0 }));
  }

  get done(): boolean {
    return this.schedule.due === Infinity;
  }

  /** absolute time the next arrival is due (Infinity when none is left) */
  get nextDue(): number {
    return this.t0 + this.schedule.due;
  }

  /**
   * Releases the arrivals due at `now`, in order, at most maxPerTurn of them.
   * Returns true when more are already due (the caller yields, then calls again).
   */
  release(now: number, sink: ArrivalSink): boolean {
    const s = this.schedule;
    const { maxLagMs, lateMs, maxPerTurn } = this.opts;
    const elapsed = now - this.t0;
    for (let n = 0; s.due <= elapsed; n++) {
      if (n === maxPerTurn) return true;
      const counts = this.stages[s.stage] as StageCounts;
      const lag = elapsed - s.due;
      counts.lastReleaseMs = elapsed;
      if (lag > lateMs) counts.droppedBehind++;
      else if (sink.trySend(this.t0 + s.due, s.stage, now)) counts.sent++;
      else {
        counts.droppedMaxInFlight++;
        if (lag > maxLagMs) counts.droppedLate++;
      }
      const due = s.due;
      s.advance();
      this.gapMs = s.due - due;
    }
    return false;
  }
}
