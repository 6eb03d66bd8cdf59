/**
 * Pure: outcomes -> verdict and exit code. Precedence: an abort (105) wins,
 * then a failed gate (99: we know the answer is "no"), then an engine or phase
 * error (107: we could not find out), then a failed sink delivery (108).
 */
import { EXIT } from '../core/errors.js';
import type { DeliveryResult, PhaseResult, ThresholdResult, Verdict } from '../core/result.js';

export interface VerdictInput {
  phases: readonly PhaseResult[];
  thresholds: readonly ThresholdResult[];
  deliveries: readonly DeliveryResult[];
  aborted: boolean;
  engineError?: string;
}

export function decideVerdict(input: VerdictInput): { verdict: Verdict; exitCode: number } {
  if (input.aborted || input.phases.some((p) => p.status === 'aborted')) return { verdict: 'aborted', exitCode: EXIT.aborted };
  const failed = input.phases.some((p) => p.status === 'failed') || input.thresholds.some((t) => !t.ok);
  if (failed) return { verdict: 'failed', exitCode: EXIT.thresholdsFailed };
  if (input.engineError !== undefined || input.phases.some((p) => p.status === 'error')) {
    return { verdict: 'error', exitCode: EXIT.engineError };
  }
  if (input.deliveries.some((d) => !d.ok)) return { verdict: 'passed', exitCode: EXIT.deliveryFailed };
  return { verdict: 'passed', exitCode: EXIT.passed };
}
