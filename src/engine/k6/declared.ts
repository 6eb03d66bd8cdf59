/**
 * The declared checks' ahead-of-time pieces for the k6 bundle, made in Node
 * before k6 starts: every `schema` assertion compiled by ajv to standalone
 * code (the same options and first error as the node engine's validator;
 * k6's runtime only loads it), and the values of the env vars the checks
 * read. Validation already proved every schema compiles and every env var is set.
 */
import type { DeclaredCheck, Step } from '../../contract/checks-schema.js';
import type { K6Declared } from '../../contract/k6-plan.js';
import type { Plan } from '../../contract/plan.js';
import { GoliveError } from '../../core/errors.js';
import { schemaKey } from '../../../checks/declared/evaluate.js';
import { jsonSchemaSource } from '../../../checks/declared/json-schema.js';
import { jsonStrings, templateRefs } from '../../../checks/declared/template.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Every text of a step a template may sit in. */
function stepTexts(s: Step): string[] {
  const texts = [s.path ?? '', s.url ?? '', s.body ?? '', ...Object.values(s.headers), ...Object.values(s.query).map(String)];
  if (s.json !== undefined) texts.push(...jsonStrings(s.json, '').map(([, t]) => t));
  return texts;
}

/** The env var names the checks read: `${env.NAME}` templates and header auth. */
export function checkEnvNames(checks: readonly DeclaredCheck[]): string[] {
  const names = new Set<string>();
  for (const s of checks.flatMap((c) => c.steps)) {
    if (typeof s.auth === 'object') names.add(s.auth.env);
    for (const t of stepTexts(s)) for (const r of templateRefs(t).refs) if (r.kind === 'env') names.add(r.name);
  }
  return [...names].sort();
}

/** Each `schema` assertion's validator as ajv standalone code, by schemaKey(). */
export function k6Validators(plan: Pick<Plan, 'checks'>): Record<string, string> {
  const validators: Record<string, string> = {};
  plan.checks.forEach((c, ci) => c.steps.forEach((s, si) => s.expect.forEach((a, ai) => {
    if (!('schema' in a)) return;
    const src = jsonSchemaSource(a.schema);
    // validateDeclared compiled it already: failing here is golive's own fault
    if (!src.ok) throw new GoliveError('GOLIVE_ENGINE_ERROR', `checks[${ci}].steps[${si}].expect[${ai}].schema: could not generate its validator for k6: ${src.error}`);
    validators[schemaKey(c.name, si, ai)] = src.source;
  })));
  return validators;
}

/** Validators and env values for a local k6 (whose environment golive filters). */
export function k6Declared(plan: Plan, env: Env): K6Declared {
  const validators = k6Validators(plan);
  const values: Record<string, string> = {};
  for (const name of checkEnvNames(plan.checks)) {
    const v = env[name];
    if (v !== undefined) values[name] = v;
  }
  return { validators, env: values };
}
