/**
 * The `checks` phase under k6, run in setup(): the user's declared checks
 * through the SAME flow and evaluator as the node engine (checks/declared/,
 * bundled here), setup checks first, their captures handed to the load mix
 * through setup data. Every request is tagged as the node engine tags it
 * (`phase`, `name` = the step's path as written, `check`, `group`), every
 * outcome is a k6 check tagged with its `group`, a soft failure a pass plus
 * a `checks_degraded` sample. The outcomes travel back whole (setup data),
 * secrets masked here, where the captured ones are known.
 */
import { check } from 'k6';
import http from 'k6/http';
import type { Params, RefinedResponse, ResponseType } from 'k6/http';
import { Counter } from 'k6/metrics';
import { checkFlow, notRunFlow, outcomeName, runFlowSync } from '../../../checks/declared/flow.js';
import type { FlowOutcome, FlowRequest, SendResult } from '../../../checks/declared/flow.js';
import { expectedStatus, schemaKey } from '../../../checks/declared/evaluate.js';
import type { SchemaCheck } from '../../../checks/declared/evaluate.js';
import { authSecrets } from '../../../checks/declared/request.js';
import type { RequestScope } from '../../../checks/declared/request.js';
import { describeSchemaFailure } from '../../../checks/declared/schema-failure.js';
import { validatorFromSource } from '../../../checks/declared/schema-runtime.js';
import type { DeclaredCheck, Step } from '../../../src/contract/checks-schema.js';
import type { K6Config } from '../../../src/contract/k6-plan.js';
import { scrubSecrets } from '../../../src/core/scrub.js';
import type { K6SetupData } from '../../../src/engine/k6/summary-schema.js';

export type ChecksReport = NonNullable<K6SetupData['checks']>;
type Outcome = ChecksReport['outcomes'][number];
type Res = RefinedResponse<ResponseType | undefined>;

const degraded = new Counter('checks_degraded');
const PHASE = 'checks';

/** What `${env.NAME}` reads: the values golive passed (GOLIVE_* never reaches k6's env), else k6's env. */
export function checkScope(cfg: K6Config, env: Readonly<Record<string, string | undefined>>, vars: Readonly<Record<string, string>>): RequestScope {
  return { target: cfg.target, env: { ...env, ...cfg.declared.env }, vars, ...(cfg.token !== undefined ? { token: cfg.token } : {}) };
}

/** k6's expected_response for a step: every status 100..599 its status assertion accepts, as ranges. */
const expectedCache = new Map<Step, ReturnType<typeof http.expectedStatuses>>();
export function expectedFor(step: Step): ReturnType<typeof http.expectedStatuses> {
  let cb = expectedCache.get(step);
  if (cb === undefined) {
    const ok = expectedStatus(step);
    const ranges: { min: number; max: number }[] = [];
    for (let s = 100; s <= 599; s++) {
      if (!ok(s)) continue;
      const last = ranges[ranges.length - 1];
      if (last !== undefined && last.max === s - 1) last.max = s;
      else ranges.push({ min: s, max: s });
    }
    // No status passes: a status k6 never sees keeps every answer "unexpected".
    cb = http.expectedStatuses(...(ranges.length > 0 ? ranges : [{ min: 0, max: 0 }]));
    expectedCache.set(step, cb);
  }
  return cb;
}

function headersOf(res: Res): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) out[k.toLowerCase()] = v;
  return out;
}

function send(cfg: K6Config, c: DeclaredCheck, req: FlowRequest, unavailable: string[]): SendResult {
  const step = c.steps[req.step];
  const template = step?.path ?? step?.url ?? '';
  const params: Params = {
    headers: req.headers,
    timeout: req.timeoutMs ?? cfg.plan.requestTimeoutMs,
    tags: { phase: PHASE, scenario: PHASE, name: template, check: c.name, group: c.group },
    ...(step ? { responseCallback: expectedFor(step) } : {}),
  };
  const res = http.request(req.method, req.url, req.body ?? null, params);
  if (res.status === 0) {
    const error = res.error !== '' && res.error !== undefined ? res.error : 'no response';
    unavailable.push(`${req.method} ${template}: ${error}`);
    return { kind: 'error', error };
  }
  if (res.status >= 500) unavailable.push(`${req.method} ${template} returned ${res.status}`);
  const text = typeof res.body === 'string' ? res.body : '';
  return { kind: 'response', response: { status: res.status, headers: headersOf(res), text, durationMs: res.timings.duration } };
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

function record(c: DeclaredCheck, o: FlowOutcome, hide: (t: string) => string): Outcome {
  const name = outcomeName(c, o);
  const tags = { phase: PHASE, scenario: PHASE, group: c.group };
  if (o.state !== 'not-run') {
    // One check() per outcome keeps k6's check order equal to the node engine's.
    check(null, { [name]: () => o.state !== 'failed' }, tags);
    if (o.state === 'degraded') degraded.add(1, { ...tags, check: name });
  }
  return { name, group: c.group, state: o.state, ...(o.reason !== undefined ? { reason: hide(o.reason) } : {}) };
}

/** setup(): every declared check once, setup checks first; `env` is k6's __ENV. */
export function runDeclared(cfg: K6Config, env: Readonly<Record<string, string | undefined>>): ChecksReport {
  const started = Date.now();
  const schemas = schemasOf(cfg);
  const checks = cfg.plan.checks;
  const scopeEnv = checkScope(cfg, env, {}).env;
  const secrets: (string | undefined)[] = [cfg.token, ...authSecrets(checks, scopeEnv)];
  const vars: Record<string, string> = {};
  const outcomes: Outcome[] = [];
  const unavailable: string[] = [];
  let failed = 0;
  let setupFailed: string | undefined;
  const ordered = [...checks.filter((c) => c.setup), ...checks.filter((c) => !c.setup)];
  for (const c of ordered) {
    if (!c.setup && setupFailed !== undefined) {
      for (const o of notRunFlow(c, `not run: ${setupFailed}`)) outcomes.push(record(c, o, (t) => scrubSecrets(t, secrets)));
      continue;
    }
    const flow = checkFlow(c, checkScope(cfg, env, vars), (si) => ({ schemaFor: (ai) => schemas.get(schemaKey(c.name, si, ai)) }));
    const result = runFlowSync(flow, (req) => send(cfg, c, req, unavailable));
    secrets.push(...result.secrets);
    for (const o of result.outcomes) {
      outcomes.push(record(c, o, (t) => scrubSecrets(t, secrets)));
      if (o.state === 'failed') failed++;
    }
    if (c.setup) {
      Object.assign(vars, result.vars);
      const bad = result.outcomes.find((o) => o.state === 'failed');
      if (bad) setupFailed ??= `setup check ${c.name} failed (step ${bad.step + 1}: ${bad.label})`;
    }
  }
  return {
    ok: failed === 0, failed, outcomes, durationMs: Date.now() - started,
    unavailable: unavailable.map((u) => scrubSecrets(u, secrets)),
    ...(setupFailed === undefined ? {} : { setupFailed }),
    vars,
  };
}
