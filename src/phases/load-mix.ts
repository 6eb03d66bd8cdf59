/**
 * The load mix: each declared check of `load.mix` becomes one request,
 * rendered once with the setup checks' captures (bytes built once per
 * distinct request), sent by weight, its samples tagged with the check's
 * `name`, `check` and `group` so thresholds and reports split per check.
 */
import { buildRequest } from '../../checks/declared/request.js';
import type { DeclaredCheck } from '../contract/checks-schema.js';
import type { Plan } from '../contract/plan.js';
import type { LoadMix } from '../net/load/types.js';
import type { MixRequestTags } from '../net/sample-recorder.js';
import { expectedStatus } from './declared.js';
import type { SetupVars } from './declared.js';

export interface BuiltMix {
  mix: LoadMix;
  tags: MixRequestTags[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** Validation proved every entry names a one-step check with a path. */
export function buildLoadMix(plan: Plan, setup: SetupVars, env: Env): BuiltMix | undefined {
  const entries = plan.load.mix;
  if (!entries) return undefined;
  const byName = new Map<string, DeclaredCheck>(plan.checks.map((c) => [c.name, c]));
  const origin = plan.target.replace(/\/+$/, '');
  const requests: LoadMix['requests'][number][] = [];
  const tags: MixRequestTags[] = [];
  for (const e of entries) {
    const check = byName.get(e.check);
    const step = check?.steps[0];
    if (!check || !step) continue;
    const req = buildRequest(step, { target: plan.target, env, vars: setup.vars, ...(plan.token ? { token: plan.token } : {}) });
    const path = req.url.startsWith(origin) ? req.url.slice(origin.length) || '/' : req.url;
    requests.push({ method: req.method, path, headers: req.headers, ...(req.body !== undefined ? { body: req.body } : {}) });
    tags.push({ tags: { name: step.path ?? path, method: req.method, check: check.name, group: check.group }, expected: expectedStatus(step) });
  }
  return { mix: { requests, weights: entries.map((e) => e.weight) }, tags };
}
