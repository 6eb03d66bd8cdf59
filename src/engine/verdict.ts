/**
 * Pure: outcomes -> verdict and exit code. Precedence: an abort (105) wins,
 * then a failed gate (99: we know the answer is "no"), then an engine or phase
 * error (107: we could not find out), then a failed sink delivery (108).
 */
import { EXIT } from '../core/errors.js';
import { voidedLine } from '../../thresholds/index.js';
import type { DeliveryResult, PhaseResult, RunResult, ThresholdResult, Verdict } from '../core/result.js';

export interface VerdictInput {
  phases: readonly PhaseResult[];
  thresholds: readonly ThresholdResult[];
  deliveries: readonly DeliveryResult[];
  aborted: boolean;
  engineError?: string;
}

export function decideVerdict(input: VerdictInput): { verdict: Verdict; exitCode: number } {
  if (input.aborted || input.phases.some((p) => p.status === 'aborted')) return { verdict: 'aborted', exitCode: EXIT.aborted };
  // A voided threshold is not evidence against the target: we could not judge it (107).
  const failed = input.phases.some((p) => p.status === 'failed') || input.thresholds.some((t) => !t.ok && t.voided === undefined);
  if (failed) return { verdict: 'failed', exitCode: EXIT.thresholdsFailed };
  if (input.engineError !== undefined || input.phases.some((p) => p.status === 'error') || input.thresholds.some((t) => t.voided !== undefined)) {
    return { verdict: 'error', exitCode: EXIT.engineError };
  }
  if (input.deliveries.some((d) => !d.ok)) return { verdict: 'passed', exitCode: EXIT.deliveryFailed };
  return { verdict: 'passed', exitCode: EXIT.passed };
}

/**
 * The run's final result, built in one pure step from the engine's judged
 * result (whose verdict ignored golive's sinks: they deliver that one) and
 * the sinks' and notifications' deliveries, which follow the engine's own
 * (k6's remote-write output). A run that broke (verdict error) keeps its
 * cause and exit code; otherwise decideVerdict decides again, knowing them all.
 */
export function withDeliveries(result: RunResult, deliveries: readonly DeliveryResult[]): RunResult {
  const g = result.golive;
  const all = [...g.deliveries, ...deliveries];
  const decided = g.verdict === 'error'
    ? { verdict: g.verdict, exitCode: g.exitCode }
    : decideVerdict({ phases: g.phases, thresholds: g.thresholds, deliveries: all, aborted: g.verdict === 'aborted' });
  return { ...result, golive: { ...g, ...decided, deliveries: all } };
}

/** The one line an error verdict ends with: the errored phase's reason, else a voided threshold's. */
export function errorLine(phases: readonly PhaseResult[], thresholds: readonly ThresholdResult[]): string | undefined {
  return phases.find((p) => p.status === 'error')?.reason ?? voidedLine(thresholds);
}

/**
 * Reports that could not be written make a passing (or merely undelivered)
 * run an engine error: the evidence is lost. Applied before anything prints
 * the verdict, so the `verdict:` line and the JSON carry the code the process
 * returns.
 */
export function withReportErrors(result: RunResult, reportErrors: readonly string[]): RunResult {
  const g = result.golive;
  if (reportErrors.length === 0 || (g.exitCode !== EXIT.passed && g.exitCode !== EXIT.deliveryFailed)) return result;
  return { ...result, golive: { ...g, verdict: 'error', exitCode: EXIT.engineError, error: `report not written: ${reportErrors[0]}` } };
}
