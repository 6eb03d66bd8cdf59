/**
 * The open model's one schedule loop, without I/O: given the time now, it
 * releases every arrival that is due, in order, and says when the next one
 * is. Time is passed in (tests drive it with a fake clock); the generator
 * (open.ts) owns the timers. Per arrival it decides one of three things:
 *  - send: a connection is free and the arrival is on time (or only a little late);
 *  - drop at max-in-flight: every allowed request is out, and we released the
 *    arrival on time: the target is slow, so it counts against the target
 *    (k6's dropped_iterations);
 *  - drop because the generator is behind: the arrival is released more than
 *    `lateMs` after it was due, or found no free connection while we were
 *    already late: that is our fault, and the run cannot pass.
 * Per stage it counts what it released and when the last one went, which is
 * what the "load generator kept up" check judges.
 */
import { ArrivalSchedule, arrivalsPerStage, type RateProfile } from './schedule.js';

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
  /** no free connection while on time: the target's side (dropped_iterations) */
  droppedMaxInFlight: number;
  /** released too late or late and without a connection: the generator's side */
  droppedBehind: number;
  /** ms from the run's start at which the stage's last arrival was released */
  lastReleaseMs: number;
}

export interface PacerOptions {
  /** an arrival that finds no free connection this late (ms) is our drop, not the target's */
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

  constructor(readonly profile: RateProfile, private readonly opts: PacerOptions) {
    this.schedule = new ArrivalSchedule(profile);
    this.stages = arrivalsPerStage(profile).map((expected) => ({ expected, sent: 0, droppedMaxInFlight: 0, droppedBehind: 0, lastReleaseMs: 0 }));
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
      else if (lag > maxLagMs) counts.droppedBehind++;
      else counts.droppedMaxInFlight++;
      s.advance();
    }
    return false;
  }
}
