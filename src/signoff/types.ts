/**
 * The sign-off's data: what each criterion measured over the window, with its
 * evidence. Shared by the evaluator and every renderer; no behaviour here.
 */

/** `unknown`: could not be evaluated (no data, query error); `not-measured`: nothing to judge (no capacity run). */
export type CriterionStatus = 'passed' | 'failed' | 'unknown' | 'not-measured';

/** Why a criterion is unknown: Prometheus could not be read (108), or it answered and had nothing (99). */
export type UnknownCause = 'unreadable' | 'no-data';

export interface Point { /** bucket end, epoch ms */ t: number; v: number | null }

export interface Evidence {
  /** the PromQL sent, as a user can paste it into Prometheus */
  queries: string[];
  /** the worst bucket (hour, or day with --by day) */
  worst?: { at: string; value: string };
  /** failed runs, firing alerts, uncovered hours: each one line */
  failures: string[];
}

export interface DayResult { day: string; status: CriterionStatus; measured: string; value: number | null }

export interface CriterionResult {
  id: string;
  name: string;
  /** e.g. "> 99.5 %" */
  target: string;
  status: CriterionStatus;
  /** e.g. "99.86 %", or why there is no number */
  measured: string;
  value: number | null;
  unknownCause?: UnknownCause;
  evidence: Evidence;
  /** one point per hour of the window, for the chart */
  series: Point[];
  /** y axis of the chart: ratio (shown as %), seconds, count */
  unit: Unit;
  /** the target as a line on the chart */
  limit?: number;
  /** with --by day */
  days?: DayResult[];
}

export type Unit = 'ratio' | 'seconds' | 'count' | 'number';

export type SignoffStatus = 'passed' | 'failed' | 'incomplete';

export interface SignOffLine { role: string; name: string; date: string }

export interface SignoffReport {
  kind: 'golive-signoff';
  version: string;
  /** ISO times */
  since: string;
  until: string;
  windowSeconds: number;
  by: 'window' | 'day';
  evaluatedAt: string;
  prometheus: string;
  selector: string;
  /** where the criteria came from: the runbook defaults or an OpenSLO file */
  source: string;
  status: SignoffStatus;
  exitCode: number;
  criteria: CriterionResult[];
  notes: string[];
  signOff: SignOffLine[];
}
