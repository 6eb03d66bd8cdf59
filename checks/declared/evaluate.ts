/**
 * The one evaluator of declared checks, shared by both engines (bundled into
 * the k6 script: no Node APIs, no I/O). Given a step and the response it got,
 * it returns each assertion's outcome and the step's captures. One root cause
 * gives one red line: when the status assertion fails, what reads the
 * response (headers, body, captures) is `not run`, and so is every body
 * assertion after the first that found the body unreadable or not JSON.
 */
import type { Assertion, Step } from '../../src/contract/checks-schema.js';
import { tokenRejected } from '../causes.js';
import { preview, UnreadableBody } from '../outcome.js';
import { builtinLabel, builtinLabels, builtinOutcomes } from './builtins.js';
import { headerLabel, headerVerdict, jsonpathLabel, jsonpathVerdict, statusLabel, statusVerdict } from './assert-value.js';
import { select } from './jsonpath.js';

/** What one request returned, as both engines see it. */
export interface StepResponse {
  status: number;
  /** lower-case names; repeated headers joined with ", " */
  headers: Readonly<Record<string, string>>;
  /** the body as text (already capped by the client) */
  text: string;
  durationMs: number;
  /** the body was not kept (over the cap): every body assertion fails or is not run with it */
  bodyError?: string;
}

export type OutcomeState = 'passed' | 'failed' | 'degraded' | 'not-run';

export interface AssertionOutcome {
  label: string;
  state: OutcomeState;
  reason?: string;
}

/** Where a `schema` assertion's validator is kept: check name, step index, index in the step's `expect`. */
export const schemaKey = (check: string, step: number, assertion: number) => `${check}\u0000${step}\u0000${assertion}`;

/** The validator of a step's `schema` assertion `index`: a failure line, or undefined. */
export type SchemaCheck = (value: unknown) => string | undefined;

export interface StepContext {
  schemaFor(assertionIndex: number): SchemaCheck | undefined;
  /** the step's JSON body as sent, for `ohlc-bars` (symbol and date range echoed) */
  sentJson?: unknown;
  /** how not-run reasons name this step, e.g. `step 1` */
  where?: string;
  /** why what reads a response of the wrong status is not run; default `step 1 returned 405` */
  statusBlocked?: (status: number) => string;
}

export interface StepEvaluation {
  outcomes: AssertionOutcome[];
  captures: Record<string, string>;
  /** why what follows this step is not run (`returned 405`, `failed: $.token exists`); absent when it passed */
  blocked?: string;
}

export const IMPLICIT_STATUS: Assertion = { status: { min: 200, max: 299 }, name: 'status is 2xx' };

/** A step without a status assertion still must not pass on a 500. */
export function stepAssertions(step: Step): Assertion[] {
  return step.expect.some((a) => 'status' in a) ? step.expect : [IMPLICIT_STATUS, ...step.expect];
}

/** A step's expected_response: what its (hard) status assertion accepts, else 2xx. */
export function expectedStatus(step: Step): (status: number) => boolean {
  const a = stepAssertions(step).find((x) => 'status' in x && x.soft !== true);
  return a && 'status' in a ? (s) => statusVerdict(a, s) === undefined : (s) => s >= 200 && s < 300;
}

export function assertionLabel(a: Assertion): string {
  if (a.name !== undefined) return a.name;
  if ('status' in a) return statusLabel(a);
  if ('header' in a) return headerLabel(a);
  if ('maxMs' in a) return `response time < ${a.maxMs}ms`;
  if ('jsonpath' in a) return jsonpathLabel(a);
  if ('schema' in a) return 'body matches schema';
  return builtinLabel(a);
}

/** Every outcome label an assertion yields: one, except `ohlc-bars`, which is the market-data rules. */
export function assertionLabels(a: Assertion): string[] {
  return 'builtin' in a ? builtinLabels(a) : [assertionLabel(a)];
}

const BODY_TEXT_PREVIEW = 80;

type Doc = { ok: true; value: unknown } | { ok: false; reason: string };

function parseDoc(res: StepResponse): Doc {
  if (res.bodyError !== undefined) return { ok: false, reason: res.bodyError };
  try {
    return { ok: true, value: JSON.parse(res.text) as unknown };
  } catch {
    return { ok: false, reason: res.text === '' ? 'body is not JSON (empty)' : `body is not JSON (got ${preview(res.text, BODY_TEXT_PREVIEW)})` };
  }
}

function captureValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? '';
}

export function evaluateStep(step: Step, res: StepResponse, ctx: StepContext): StepEvaluation {
  const outcomes: AssertionOutcome[] = [];
  let doc: Doc | undefined;
  let bodyBlocked: string | undefined;
  const push = (label: string, soft: boolean, why: string | undefined) => {
    outcomes.push(why === undefined ? { label, state: 'passed' } : { label, state: soft ? 'degraded' : 'failed', reason: why });
  };
  const assertions = stepAssertions(step);
  // The status decides first: a wrong status makes everything that reads the response moot.
  const statusIdx = assertions.findIndex((a) => 'status' in a && a.soft !== true);
  let statusFailed: string | undefined;
  const statusBlocked = () => ctx.statusBlocked?.(res.status) ?? `${ctx.where ?? 'step'} ${statusFailed ?? ''}`;
  assertions.forEach((a, i) => {
    const label = assertionLabel(a);
    const soft = a.soft === true;
    if ('status' in a) {
      let why = statusVerdict(a, res.status, res.headers['location'], res.bodyError !== undefined ? new UnreadableBody(res.bodyError) : res.text);
      // The golive token refused: the credentials, not the data, are wrong (one line says so).
      if (why !== undefined && step.auth === 'token' && (res.status === 401 || res.status === 403)) why = tokenRejected(why);
      push(label, soft, why);
      if (why !== undefined && i === statusIdx) statusFailed = `returned ${res.status}`;
      return;
    }
    if ('maxMs' in a) return push(label, soft, res.durationMs < a.maxMs ? undefined : `took ${res.durationMs.toFixed(1)}ms`);
    const notRun = (why: string) => void outcomes.push(...assertionLabels(a).map((l) => ({ label: l, state: 'not-run' as const, reason: `not run: ${why}` })));
    if (statusFailed !== undefined) return notRun(statusBlocked());
    if ('header' in a) return push(label, soft, headerVerdict(a, res.headers));
    if (bodyBlocked !== undefined) return notRun(bodyBlocked);
    if ('builtin' in a) {
      // Built-ins read the body themselves, in the runbook's words; what follows still needs JSON.
      outcomes.push(...builtinOutcomes(a, res, ctx.sentJson));
      doc ??= parseDoc(res);
      if (!doc.ok) bodyBlocked = doc.reason;
      return;
    }
    doc ??= parseDoc(res);
    if (!doc.ok) {
      bodyBlocked = doc.reason;
      return push(label, soft, doc.reason);
    }
    if ('jsonpath' in a) return push(label, soft, jsonpathVerdict(a, doc.value));
    if ('schema' in a) {
      // Validators are keyed by the index in the step's own `expect` (the implicit status is not there).
      const check = ctx.schemaFor(i - (assertions.length - step.expect.length));
      push(label, soft, check ? check(doc.value) : 'schema was not compiled before the run');
    }
  });
  const captures = statusFailed === undefined ? capture(step, res, () => (doc ??= parseDoc(res)), outcomes) : notRunCaptures(step, statusBlocked(), outcomes);
  const firstFailed = outcomes.find((o) => o.state === 'failed');
  const blocked = statusFailed ?? (firstFailed ? `failed: ${firstFailed.label}` : undefined);
  return { outcomes, captures, ...(blocked !== undefined ? { blocked } : {}) };
}

function notRunCaptures(step: Step, why: string, outcomes: AssertionOutcome[]): Record<string, string> {
  for (const name of Object.keys(step.capture)) outcomes.push({ label: `captures ${name}`, state: 'not-run', reason: `not run: ${why}` });
  return {};
}

/** A capture that finds nothing is a failed outcome: the steps that need it would only fail more obscurely. */
function capture(step: Step, res: StepResponse, docOf: () => Doc, outcomes: AssertionOutcome[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, c] of Object.entries(step.capture)) {
    const label = `captures ${name}`;
    if ('header' in c) {
      const v = res.headers[c.header.toLowerCase()];
      if (v === undefined) outcomes.push({ label, state: 'failed', reason: `${c.header.toLowerCase()}: missing` });
      else out[name] = v;
      continue;
    }
    const doc = docOf();
    if (!doc.ok) {
      outcomes.push({ label, state: 'failed', reason: doc.reason });
      continue;
    }
    const values = select(c.jsonpath, doc.value);
    if (values.length === 0) outcomes.push({ label, state: 'failed', reason: `${c.jsonpath}: matched nothing` });
    else out[name] = captureValue(values[0]);
  }
  return out;
}
