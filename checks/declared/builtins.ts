/**
 * golive's named assertions (`healthy-body`, `ohlc-bars`): the runbook's own
 * body rules, judged on the body as the target sent it (text, or the reason
 * it was not kept), so a declared step and the k6 runbook phases word every
 * reason alike. Pure and runtime-neutral (bundled into the k6 script).
 */
import type { Assertion } from '../../src/contract/checks-schema.js';
import { isNotRun } from '../causes.js';
import { healthBodyOutcome } from '../health.js';
import { MARKET_CHECKS, checkMarketData } from '../market-data.js';
import type { MarketDataRequest } from '../market-data.js';
import { UnreadableBody } from '../outcome.js';
import type { CheckOutcome } from '../outcome.js';
import type { AssertionOutcome, StepResponse } from './evaluate.js';

type BuiltinAssertion = Extract<Assertion, { builtin: unknown }>;

/** The market-data rules after the status, in the order `checkMarketData` returns them. */
export const OHLC_LABELS: readonly string[] = [MARKET_CHECKS.schema, MARKET_CHECKS.symbol, MARKET_CHECKS.range, MARKET_CHECKS.sorted, MARKET_CHECKS.ohlc, MARKET_CHECKS.volume, MARKET_CHECKS.nonEmpty];

export function builtinLabel(a: BuiltinAssertion): string {
  return a.name ?? (a.builtin === 'healthy-body' ? 'body is healthy' : 'OHLC bars valid');
}

/** Every label a built-in yields: `ohlc-bars` unnamed is one per market-data rule. */
export function builtinLabels(a: BuiltinAssertion): string[] {
  return a.builtin === 'ohlc-bars' && a.name === undefined ? [...OHLC_LABELS] : [builtinLabel(a)];
}

function marketRequest(sent: unknown): MarketDataRequest {
  const o = (sent ?? {}) as Record<string, unknown>;
  const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : '');
  return { symbol: str('symbol'), start_date: str('start_date'), end_date: str('end_date') };
}

/** A rule that could not judge (what it reads failed first) is not run, not a second failure. */
function fromOutcome(c: CheckOutcome, soft: boolean): AssertionOutcome {
  if (c.ok) return { label: c.name, state: 'passed' };
  const state = isNotRun(c.reason) ? 'not-run' : soft ? 'degraded' : 'failed';
  return { label: c.name, state, ...(c.reason ? { reason: c.reason } : {}) };
}

/** `sentJson`: the step's JSON body as sent (`ohlc-bars` checks the symbol and dates echoed). */
export function builtinOutcomes(a: BuiltinAssertion, res: StepResponse, sentJson: unknown): AssertionOutcome[] {
  const soft = a.soft === true;
  const body = res.bodyError !== undefined ? new UnreadableBody(res.bodyError) : res.text;
  if (a.builtin === 'healthy-body') return [{ ...fromOutcome(healthBodyOutcome(body), soft), label: builtinLabel(a) }];
  // The rules after checkMarketData's own status line, each its own outcome (one, when named).
  const rules = checkMarketData(marketRequest(sentJson), 200, body).slice(1).map((c) => fromOutcome(c, soft));
  if (a.name === undefined) return rules;
  const bad = rules.find((o) => o.state !== 'passed');
  return [bad ? { ...bad, label: a.name, state: bad.state === 'not-run' ? (soft ? 'degraded' : 'failed') : bad.state, reason: `${bad.label}: ${bad.reason ?? 'failed'}` } : { label: a.name, state: 'passed' }];
}
