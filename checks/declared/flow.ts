/**
 * A declared check's steps in order, as a generator: it yields each request
 * and is resumed with what came back, so the node engine (async undici) and
 * the k6 script (sync k6/http) drive the same flow. A step that fails makes
 * every later step `not run`, naming the step and why.
 */
import type { DeclaredCheck } from '../../src/contract/checks-schema.js';
import { buildRequest, isSecretCapture, stepTitle } from './request.js';
import type { BuiltRequest, RequestScope } from './request.js';
import { assertionLabels, evaluateStep, stepAssertions } from './evaluate.js';
import type { AssertionOutcome, StepContext, StepResponse } from './evaluate.js';

export type SendResult =
  | { kind: 'response'; response: StepResponse }
  /** no answer: evidence against the target */
  | { kind: 'error'; error: string }
  /** golive's own fault or an abort: the flow stops, nothing is judged */
  | { kind: 'stopped' };

/** A request of the flow, with the index of the step it belongs to. */
export type FlowRequest = BuiltRequest & { step: number };

export interface FlowOutcome extends AssertionOutcome {
  step: number;
  stepTitle: string;
}

export interface FlowResult {
  outcomes: FlowOutcome[];
  /** the captures of every step that ran */
  vars: Record<string, string>;
  /** captured values that must never be shown */
  secrets: string[];
  stopped: boolean;
}

/** What a flow needs beyond the scope: each step's schema validators. */
export type StepContextFor = (stepIndex: number) => Omit<StepContext, 'sentJson'>;

/** An outcome's check name in every report, both engines: `check: step-title label`. */
export const outcomeName = (check: DeclaredCheck, o: FlowOutcome): string => `${check.name}: ${o.stepTitle} ${o.label}`;

/** Every outcome of a check that does not run at all (its setup failed), with why. */
export function notRunFlow(check: DeclaredCheck, reason: string): FlowOutcome[] {
  return check.steps.flatMap((step, i) => [
    ...stepAssertions(step).flatMap(assertionLabels),
    ...Object.keys(step.capture).map((n) => `captures ${n}`),
  ].map((label) => ({ label, state: 'not-run' as const, reason, step: i, stepTitle: stepTitle(step) })));
}

export function* checkFlow(check: DeclaredCheck, scope: RequestScope, contextFor: StepContextFor): Generator<FlowRequest, FlowResult, SendResult> {
  const outcomes: FlowOutcome[] = [];
  const vars: Record<string, string> = { ...scope.vars };
  const secrets: string[] = [];
  let blocked: string | undefined;
  for (const [i, step] of check.steps.entries()) {
    const title = stepTitle(step);
    const at = (o: AssertionOutcome): FlowOutcome => ({ ...o, step: i, stepTitle: title });
    if (blocked !== undefined) {
      for (const label of stepAssertions(step).flatMap(assertionLabels)) outcomes.push(at({ label, state: 'not-run', reason: `not run: ${blocked}` }));
      for (const name of Object.keys(step.capture)) outcomes.push(at({ label: `captures ${name}`, state: 'not-run', reason: `not run: ${blocked}` }));
      continue;
    }
    const req = buildRequest(step, { ...scope, vars });
    const sent = yield { ...req, step: i };
    if (sent.kind === 'stopped') return { outcomes, vars, secrets, stopped: true };
    if (sent.kind === 'error') {
      outcomes.push(at({ label: 'answers', state: 'failed', reason: sent.error }));
      blocked = `step ${i + 1} got no answer (${sent.error})`;
      continue;
    }
    const ev = evaluateStep(step, sent.response, { ...contextFor(i), where: `step ${i + 1}`, ...(req.sentJson !== undefined ? { sentJson: req.sentJson } : {}) });
    outcomes.push(...ev.outcomes.map(at));
    for (const [name, value] of Object.entries(ev.captures)) {
      vars[name] = value;
      const c = step.capture[name];
      if (c && isSecretCapture(name, c)) secrets.push(value);
    }
    if (ev.blocked !== undefined) blocked = `step ${i + 1} ${ev.blocked}`;
  }
  return { outcomes, vars, secrets, stopped: false };
}

/** Drives a flow synchronously (k6): `send` performs one request. */
export function runFlowSync(flow: Generator<FlowRequest, FlowResult, SendResult>, send: (req: FlowRequest) => SendResult): FlowResult {
  let next = flow.next();
  while (!next.done) next = flow.next(send(next.value));
  return next.value;
}

/** Drives a flow asynchronously (node engine). */
export async function runFlow(flow: Generator<FlowRequest, FlowResult, SendResult>, send: (req: FlowRequest) => Promise<SendResult>): Promise<FlowResult> {
  let next = flow.next();
  while (!next.done) next = flow.next(await send(next.value));
  return next.value;
}
