/**
 * The `checks` phase: the user's declared checks, setup checks first (their
 * captures feed every other check and the load mix), each through the shared
 * flow and evaluator (checks/declared/). A soft failure degrades its check;
 * what depends on a failed step is recorded as not run, with the reason.
 */
import { checkFlow, runFlow } from '../../checks/declared/flow.js';
import { DECLARED_POLICY, notRunAfterSetup, setupFailure, setupFirst, stepContexts } from '../../checks/declared/recording.js';
import type { CheckPolicy, Recording } from '../../checks/declared/recording.js';
import { authSecrets } from '../../checks/declared/request.js';
import type { FlowRequest, SendResult } from '../../checks/declared/flow.js';
import { expectedStatus } from '../../checks/declared/evaluate.js';
import type { DeclaredCheck, Step } from '../contract/checks-schema.js';
import type { Plan } from '../contract/plan.js';
import { compileCheckSchemas } from '../config/checks-validate.js';
import { scrubSecrets } from '../core/scrub.js';
import type { PhaseName } from '../core/result.js';
import type { HttpClient, HttpCall } from '../net/http.js';
import { clientFaultReason } from '../net/failures.js';
import { Findings } from './findings.js';
import type { PhaseOutcome, PhaseRunner } from './types.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Setup captures, written by the checks phase and read by the load mix. */
export class SetupVars {
  vars: Record<string, string> = {};
  secrets: string[] = [];
  /** why the setup failed, when it did: what needs its captures is not run */
  failed?: string;
}

export { expectedStatus };
export type { Recording };

export interface DeclaredRunOptions {
  phase: PhaseName;
  /** the check name in reports: `name: title label` by default */
  nameOf?: CheckPolicy['nameOf'];
  /** the checks the phase runs: the plan's own by default */
  checksOf?: (plan: Plan) => readonly DeclaredCheck[];
  /** how the phase records (checks/declared/recording.ts): the user's checks' way by default */
  recording?: Recording;
}

export function createChecksPhase(http: HttpClient, env: Env, setup: SetupVars, opts: DeclaredRunOptions = { phase: 'checks' }): PhaseRunner {
  return {
    name: opts.phase,
    needs: [],
    async run(ctx): Promise<PhaseOutcome> {
      const { plan } = ctx;
      const found = new Findings();
      const nameOf = opts.nameOf ?? DECLARED_POLICY.nameOf;
      const rec = opts.recording ?? DECLARED_POLICY.recording;
      const checks = opts.checksOf?.(plan) ?? plan.checks;
      const schemas = compileCheckSchemas(checks);
      const secrets = [plan.token, ...authSecrets(checks, env)];
      const faults: string[] = [];
      let failed = 0;
      const notRun = (name: string, reason: string, tags: Tags | undefined) => {
        if (!rec.notRunFails) return found.checks.notRun(opts.phase, name, reason, tags);
        found.checks.record(opts.phase, name, false, reason, tags);
        failed++;
      };
      for (const check of setupFirst(checks)) {
        if (ctx.signal.aborted) return found.outcome('aborted', 'aborted');
        const tags = rec.tagged ? { check: check.name, group: check.group } : undefined;
        if (!check.setup && setup.failed !== undefined) {
          for (const o of notRunAfterSetup(check, setup.failed)) notRun(nameOf(check, o), o.reason ?? '', tags);
          continue;
        }
        const flow = checkFlow(check, { target: plan.target, env, vars: setup.vars, ...(plan.token ? { token: plan.token } : {}) }, stepContexts(check, schemas, rec));
        const result = await runFlow(flow, (req) => send(http, check, req, { found, faults, phase: opts.phase, rec }));
        if (check.setup) setup.secrets.push(...result.secrets);
        const hide = (text: string | undefined) => (text === undefined ? undefined : scrubSecrets(text, [...secrets, ...setup.secrets, ...result.secrets]));
        for (const o of result.outcomes) {
          const name = nameOf(check, o);
          if (o.state === 'not-run') notRun(name, hide(o.reason) ?? '', tags);
          else if (o.state === 'degraded') found.checks.degraded(opts.phase, name, hide(o.reason), tags);
          else if (!found.checks.record(opts.phase, name, o.state === 'passed', hide(o.reason), tags)) failed++;
        }
        if (result.stopped) break;
        if (check.setup) {
          Object.assign(setup.vars, result.vars);
          setup.failed ??= setupFailure(check, result.outcomes);
        }
      }
      if (ctx.signal.aborted) return found.outcome('aborted', 'aborted');
      if (faults.length > 0) return found.outcome('error', clientFaultReason(faults));
      return failed === 0 ? found.outcome('passed') : found.outcome('failed', `${failed} ${opts.phase === 'checks' ? 'declared' : opts.phase} check(s) failed`);
    },
  };
}

type Tags = Readonly<Record<string, string>>;

interface SendTo { found: Findings; faults: string[]; phase: PhaseName; rec: Recording }

async function send(http: HttpClient, check: DeclaredCheck, req: FlowRequest, { found, faults, phase, rec }: SendTo): Promise<SendResult> {
  const step = check.steps[req.step];
  const template = step?.path ?? step?.url ?? '';
  const call: HttpCall = {
    method: req.method, path: req.url, headers: req.headers, name: template,
    ...(rec.tagged ? { tags: { check: check.name, group: check.group } } : {}),
    ...(req.body !== undefined ? { body: req.body } : {}),
    ...(req.timeoutMs !== undefined ? { timeoutMs: req.timeoutMs } : {}),
    ...(step ? { expected: rec.expected?.(check, step) ?? expectedStatus(step) } : {}),
  };
  const out = await http.measured(phase, call, found);
  if (out.kind === 'aborted') return { kind: 'stopped' };
  if (out.kind === 'client-fault') {
    faults.push(`${req.method} ${template}: ${out.error} (${out.hint})`);
    return { kind: 'stopped' };
  }
  if (out.kind === 'error') {
    if (rec.unavailable) found.unavailable.push(`${req.method} ${template}: ${out.error}`);
    return { kind: 'error', error: out.error };
  }
  if (rec.unavailable && out.status >= 500) found.unavailable.push(`${req.method} ${template} returned ${out.status}`);
  return {
    kind: 'response',
    response: { status: out.status, headers: out.headers, text: out.text, durationMs: out.durationMs, ...(out.bodyError !== undefined ? { bodyError: out.bodyError } : {}) },
  };
}
