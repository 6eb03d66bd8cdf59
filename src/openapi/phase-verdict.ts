/**
 * A phase whose own checks passed but whose responses broke the contract has
 * failed: its reason says how many responses, and the first finding. One rule
 * for both engines (the node engine wraps its phases with it, the k6 engine
 * applies it to the phases k6 reported).
 */
import type { CheckResult, PhaseResult } from '../core/result.js';
import { CONFORMS } from './conformance.js';

export function failedOnContract<P extends { status: PhaseResult['status']; reason?: string }>(phase: PhaseResult['name'], out: P, checks: readonly CheckResult[]): P {
  const broken = checks.filter((c) => c.phase === phase && c.name.endsWith(CONFORMS) && c.fails > 0);
  if (out.status !== 'passed' || broken.length === 0) return out;
  const n = broken.reduce((s, c) => s + c.fails, 0);
  return { ...out, status: 'failed' as const, reason: contractReason(n, broken[0]!.reasons[0]) } as P;
}

/** `n` responses broke it; `first`: the first broken check's first reason. */
export function contractReason(n: number, first: string | undefined): string {
  return `${n} response(s) do not conform to the API's contract: ${first ?? ''}`;
}
