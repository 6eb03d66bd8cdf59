/**
 * Declared checks under k6, run in setup(): the one runner (runChecks) of
 * the user's checks and of the runbook preset (scenarios/k6/lib/runbook.ts),
 * through the SAME flow, evaluator and recording policy as the node engine
 * (checks/declared/, bundled here). Every request is tagged as the node
 * engine tags it (`phase`, `name` = the step's path as written, and for the
 * user's checks `check` and `group`). k6 buffers a response body itself, so
 * the plan's maxBodyBytes is applied to what k6 kept, before any assertion
 * reads it, in the node client's words. The user's checks' outcomes travel
 * back whole (setup data), each a k6 check tagged with its `group`, a soft
 * failure a pass plus a `checks_degraded` sample; secrets are masked here,
 * where the captured ones are known.
 */
import { check } from 'k6';
import http from 'k6/http';
import type { Params, RefinedResponse, ResponseType } from 'k6/http';
import { Counter } from 'k6/metrics';
import { checkFlow, runFlowSync } from '../../../checks/declared/flow.js';
import type { FlowOutcome, FlowRequest, SendResult } from '../../../checks/declared/flow.js';
import { expectedStatus } from '../../../checks/declared/evaluate.js';
import type { SchemaCheck, StepResponse } from '../../../checks/declared/evaluate.js';
import { DECLARED_POLICY, notRunAfterSetup, setupFailure, setupFirst, stepContexts } from '../../../checks/declared/recording.js';
import type { CheckPolicy, Recording } from '../../../checks/declared/recording.js';
import { bodyTooLarge, overBytes } from '../../../checks/declared/bytes.js';
import { authSecrets } from '../../../checks/declared/request.js';
import type { RequestScope } from '../../../checks/declared/request.js';
import { describeSchemaFailure } from '../../../checks/declared/schema-failure.js';
import { validatorFromSource } from '../../../checks/declared/schema-runtime.js';
import type { DeclaredCheck, Step } from '../../../src/contract/checks-schema.js';
import type { K6Config } from '../../../src/contract/k6-plan.js';
import { scrubSecrets } from '../../../src/core/scrub.js';
import type { PhaseName } from '../../../src/core/result.js';
import type { K6SetupData } from '../../../src/engine/k6/summary-schema.js';
import { judgeAnswer } from './contract.js';

export type ChecksReport = NonNullable<K6SetupData['checks']>;
type Outcome = ChecksReport['outcomes'][number];
type Res = RefinedResponse<ResponseType | undefined>;

const degraded = new Counter('checks_degraded');
const PHASE = 'checks';

/** What `${env.NAME}` reads: the values golive passed (GOLIVE_* never reaches k6's env), else k6's env. */
export function checkScope(cfg: K6Config, env: Readonly<Record<string, string | undefined>>, vars: Readonly<Record<string, string>>): RequestScope {
  return { target: cfg.target, env: { ...env, ...cfg.declared.env }, vars, ...(cfg.token !== undefined ? { token: cfg.token } : {}) };
}

/**
 * k6's expected_response for a step: every status 100..599 that `ok` (by
 * default the step's status assertion) accepts, as ranges; one callback per
 * distinct set of ranges.
 */
const expectedCache = new Map<string, ReturnType<typeof http.expectedStatuses>>();
export function expectedFor(step: Step, ok: (status: number) => boolean = expectedStatus(step)): ReturnType<typeof http.expectedStatuses> {
  const ranges: { min: number; max: number }[] = [];
  for (let s = 100; s <= 599; s++) {
    if (!ok(s)) continue;
    const last = ranges[ranges.length - 1];
    if (last !== undefined && last.max === s - 1) last.max = s;
    else ranges.push({ min: s, max: s });
  }
  // No status passes: a status k6 never sees keeps every answer "unexpected".
  if (ranges.length === 0) ranges.push({ min: 0, max: 0 });
  const key = ranges.map((r) => `${r.min}-${r.max}`).join(',');
  let cb = expectedCache.get(key);
  if (cb === undefined) {
    cb = http.expectedStatuses(...ranges.map((r) => (r.min === r.max ? r.min : r)));
    expectedCache.set(key, cb);
  }
  return cb;
}

function headersOf(res: Res): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) out[k.toLowerCase()] = v;
  return out;
}

/** The body as a declared step sees it: over the plan's cap it is not kept, in the node client's words. */
function bodyOf(cfg: K6Config, res: Res): Pick<StepResponse, 'text' | 'bodyError'> {
  const text = typeof res.body === 'string' ? res.body : '';
  if (!overBytes(text, cfg.plan.maxBodyBytes)) return { text };
  const coding = res.headers['Content-Encoding'];
  const coded = coding !== undefined && coding !== '' && coding.toLowerCase() !== 'identity' ? ` (decoded from ${coding.toLowerCase()})` : '';
  return { text: '', bodyError: `${bodyTooLarge(cfg.plan.maxBodyBytes)}${coded}` };
}

interface Sending { cfg: K6Config; phase: PhaseName; rec: Recording; unavailable: string[] }

function send({ cfg, phase, rec, unavailable }: Sending, c: DeclaredCheck, req: FlowRequest): SendResult {
  const step = c.steps[req.step];
  const template = step?.path ?? step?.url ?? '';
  const params: Params = {
    headers: req.headers,
    timeout: req.timeoutMs ?? cfg.plan.requestTimeoutMs,
    tags: { phase, scenario: phase, name: template, ...(rec.tagged ? { check: c.name, group: c.group } : {}) },
    ...(step ? { responseCallback: expectedFor(step, rec.expected?.(c, step)) } : {}),
  };
  const res = http.request(req.method, req.url, req.body ?? null, params);
  if (res.status === 0) {
    const error = res.error !== '' && res.error !== undefined ? res.error : 'no response';
    if (rec.unavailable) unavailable.push(`${req.method} ${template}: ${error}`);
    return { kind: 'error', error };
  }
  if (rec.unavailable && res.status >= 500) unavailable.push(`${req.method} ${template} returned ${res.status}`);
  const headers = headersOf(res);
  const body = bodyOf(cfg, res);
  // The API's contract, when there is one: a body over the cap is judged on status and headers, as in the node engine.
  judgeAnswer(cfg, phase, {
    method: req.method, url: req.url, name: template, status: res.status, headers,
    ...(body.bodyError === undefined ? { text: body.text } : {}),
    expected: step ? (rec.expected?.(c, step) ?? expectedStatus(step))(res.status) : false,
  });
  return { kind: 'response', response: { status: res.status, headers, durationMs: res.timings.duration, ...body } };
}

function schemasOf(cfg: K6Config): Map<string, SchemaCheck> {
  const out = new Map<string, SchemaCheck>();
  for (const [key, source] of Object.entries(cfg.declared.validators)) {
    const validate = validatorFromSource(source);
    out.set(key, (v) => {
      const f = validate(v);
      return f ? describeSchemaFailure(f) : undefined;
    });
  }
  return out;
}

/** One outcome as the phase names it, its reason with every secret known so far masked. */
export interface Recorded {
  check: DeclaredCheck;
  name: string;
  state: FlowOutcome['state'];
  reason?: string;
}

export interface ChecksRun {
  /** "no answer or 5xx" lines, when the policy makes them rollback evidence */
  unavailable: string[];
  setupFailed?: string;
  /** the setup checks' captures */
  vars: Record<string, string>;
}

/**
 * The one runner of declared checks under k6 (the user's, and the runbook
 * preset's): setup checks first, each through the shared flow, requests
 * tagged and outcomes named by the phase's policy; `record` gets each outcome.
 */
export function runChecks(cfg: K6Config, env: Readonly<Record<string, string | undefined>>, checks: readonly DeclaredCheck[],
  policy: CheckPolicy & { phase: PhaseName }, record: (r: Recorded) => void): ChecksRun {
  const { recording: rec, nameOf, phase } = policy;
  const schemas = schemasOf(cfg);
  const scopeEnv = checkScope(cfg, env, {}).env;
  const secrets: (string | undefined)[] = [cfg.token, ...authSecrets(checks, scopeEnv)];
  const hide = (t: string | undefined) => (t === undefined ? undefined : scrubSecrets(t, secrets));
  const emit = (c: DeclaredCheck, o: FlowOutcome) => {
    const reason = hide(o.reason);
    record({ check: c, name: nameOf(c, o), state: o.state, ...(reason !== undefined ? { reason } : {}) });
  };
  const sending: Sending = { cfg, phase, rec, unavailable: [] };
  const vars: Record<string, string> = {};
  let setupFailed: string | undefined;
  for (const c of setupFirst(checks)) {
    if (!c.setup && setupFailed !== undefined) {
      for (const o of notRunAfterSetup(c, setupFailed)) emit(c, o);
      continue;
    }
    const flow = checkFlow(c, checkScope(cfg, env, vars), stepContexts(c, schemas, rec));
    const result = runFlowSync(flow, (req) => send(sending, c, req));
    secrets.push(...result.secrets);
    for (const o of result.outcomes) emit(c, o);
    if (c.setup) {
      Object.assign(vars, result.vars);
      setupFailed ??= setupFailure(c, result.outcomes);
    }
  }
  return { unavailable: sending.unavailable.map((u) => scrubSecrets(u, secrets)), ...(setupFailed === undefined ? {} : { setupFailed }), vars };
}

/** setup(): every declared check once, setup checks first; `env` is k6's __ENV. */
export function runDeclared(cfg: K6Config, env: Readonly<Record<string, string | undefined>>): ChecksReport {
  const started = Date.now();
  const outcomes: Outcome[] = [];
  let failed = 0;
  const run = runChecks(cfg, env, cfg.plan.checks, { ...DECLARED_POLICY, phase: PHASE }, ({ check: c, name, state, reason }) => {
    const tags = { phase: PHASE, scenario: PHASE, group: c.group };
    if (state !== 'not-run') {
      // One check() per outcome keeps k6's check order equal to the node engine's.
      check(null, { [name]: () => state !== 'failed' }, tags);
      if (state === 'degraded') degraded.add(1, { ...tags, check: name });
    }
    if (state === 'failed') failed++;
    outcomes.push({ name, group: c.group, state, ...(reason !== undefined ? { reason } : {}) });
  });
  return { ok: failed === 0, failed, outcomes, durationMs: Date.now() - started, ...run };
}
