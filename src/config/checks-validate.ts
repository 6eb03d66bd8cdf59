/**
 * What the declared checks' schema cannot see, found before the first
 * request: JSONPath syntax, JSON Schemas that do not compile, templates that
 * name a capture not yet defined or an env var that is not set, a load mix
 * naming a check that is neither declared nor the runbook preset's. Every problem is one line naming its path
 * (`checks[2].steps[0].expect[1].jsonpath: ...`). Pure: the env is passed in.
 */
import type { DeclaredCheck } from '../contract/checks-schema.js';
import { jsonpathError } from '../../checks/declared/jsonpath.js';
import { jsonStrings, templateRefs } from '../../checks/declared/template.js';
import { compileJsonSchema, describeSchemaFailure } from '../../checks/declared/json-schema.js';
import { schemaKey } from '../../checks/declared/evaluate.js';
import { byMixName } from '../../checks/declared/mix-checks.js';
import type { SchemaCheck } from '../../checks/declared/evaluate.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface MixEntry {
  check: string;
  weight: number;
}

export interface ChecksInput {
  checks: readonly DeclaredCheck[];
  /** the runbook preset's checks, when it is on: a mix may name them too (a declared check of the same name wins) */
  preset?: readonly DeclaredCheck[];
  mix?: readonly MixEntry[];
  hasToken: boolean;
  env: Env;
}

/** Where a problem is, as users write it: `checks[2].steps[0].expect[1]` */
export function bracketPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out === '' ? String(k) : `.${String(k)}`;
  return out;
}

/** Every `schema` assertion compiled; a schema that does not compile is a problem at its path. */
export function compileCheckSchemas(checks: readonly DeclaredCheck[], problems?: string[]): Map<string, SchemaCheck> {
  const out = new Map<string, SchemaCheck>();
  checks.forEach((c, ci) => c.steps.forEach((s, si) => s.expect.forEach((a, ai) => {
    if (!('schema' in a)) return;
    const compiled = compileJsonSchema(a.schema);
    if (!compiled.ok) {
      problems?.push(`checks[${ci}].steps[${si}].expect[${ai}].schema: ${compiled.error}`);
      return;
    }
    const validate = compiled.validate;
    out.set(schemaKey(c.name, si, ai), (v) => {
      const f = validate(v);
      return f ? describeSchemaFailure(f) : undefined;
    });
  })));
  return out;
}

function templateProblems(text: string, at: string, known: ReadonlySet<string>, env: Env, out: string[]): void {
  const { refs, bad } = templateRefs(text);
  if (bad !== undefined) out.push(`${at}: ${bad} is not a template golive knows (expected \${env.NAME}, \${target} or \${capture})`);
  for (const r of refs) {
    if (r.kind === 'env' && env[r.name] === undefined) out.push(`${at}: env var ${r.name} is not set`);
    if (r.kind === 'var' && !known.has(r.name)) out.push(`${at}: \${${r.name}} is used before it is captured (captures of earlier steps and of setup checks only)`);
  }
}

function stepProblems(check: DeclaredCheck, ci: number, known: Set<string>, input: ChecksInput, out: string[]): void {
  check.steps.forEach((s, si) => {
    const at = `checks[${ci}].steps[${si}]`;
    const texts: Array<[string, string]> = [];
    if (s.path !== undefined) texts.push([`${at}.path`, s.path]);
    if (s.url !== undefined) texts.push([`${at}.url`, s.url]);
    for (const [k, v] of Object.entries(s.headers)) texts.push([`${at}.headers.${k}`, v]);
    for (const [k, v] of Object.entries(s.query)) if (typeof v === 'string') texts.push([`${at}.query.${k}`, v]);
    if (s.body !== undefined) texts.push([`${at}.body`, s.body]);
    if (s.json !== undefined) texts.push(...jsonStrings(s.json, `${at}.json`));
    for (const [where, text] of texts) templateProblems(text, where, known, input.env, out);
    if (s.auth === 'token' && !input.hasToken) out.push(`${at}.auth: 'token' needs the golive bearer token (GOLIVE_TOKEN or --token-file)`);
    if (typeof s.auth === 'object' && input.env[s.auth.env] === undefined) out.push(`${at}.auth.env: env var ${s.auth.env} is not set`);
    s.expect.forEach((a, ai) => {
      if (!('jsonpath' in a)) return;
      const err = jsonpathError(a.jsonpath);
      if (err !== undefined) out.push(`${at}.expect[${ai}].jsonpath: ${err}`);
    });
    for (const [name, c] of Object.entries(s.capture)) {
      if ('jsonpath' in c) {
        const err = jsonpathError(c.jsonpath);
        if (err !== undefined) out.push(`${at}.capture.${name}.jsonpath: ${err}`);
      }
      known.add(name);
    }
  });
}

function mixProblems(mix: readonly MixEntry[], input: ChecksInput, out: string[]): void {
  const preset = input.preset ?? [];
  const byName = byMixName(preset, input.checks);
  const known = `declared: ${input.checks.map((c) => c.name).join(', ') || 'none'}; runbook preset: ${preset.map((c) => c.name).join(', ') || "off (preset: 'none')"}`;
  mix.forEach((m, i) => {
    const c = byName.get(m.check);
    if (!c) out.push(`load.mix[${i}].check: no check named ${JSON.stringify(m.check)} (${known})`);
    else if (c.setup) out.push(`load.mix[${i}].check: ${m.check} is a setup check (it runs once per run, not in the load)`);
    else if (c.steps.length !== 1) out.push(`load.mix[${i}].check: ${m.check} has ${c.steps.length} steps; the load sends one request per arrival (a check of one step; put a login in a setup check)`);
    else if (c.steps[0]?.path === undefined) out.push(`load.mix[${i}].check: ${m.check} names a url; the load sends to the target only (give its step a path)`);
    // a declared check's own auth is judged with its steps; the preset's only here, where the load would send it
    else if (c.steps[0].auth === 'token' && !input.hasToken && !input.checks.includes(c)) out.push(`load.mix[${i}].check: ${m.check} sends the golive bearer token (GOLIVE_TOKEN or --token-file), which is not set`);
  });
  const total = mix.reduce((s, m) => s + m.weight, 0);
  if (mix.length > 0 && !(total > 0)) out.push(`load.mix: weights add up to ${total}; expected a positive total`);
}

/** Every problem, one line each; empty when the checks can run. */
export function checksProblems(input: ChecksInput): string[] {
  const out: string[] = [];
  const setupVars = new Set<string>();
  // Setup checks run first, in order; their captures are known to every check after them.
  const order = [...input.checks.entries()].sort(([, a], [, b]) => Number(b.setup) - Number(a.setup));
  for (const [ci, check] of order) {
    const known = new Set(setupVars);
    stepProblems(check, ci, known, input, out);
    if (check.setup) for (const v of known) setupVars.add(v);
  }
  compileCheckSchemas(input.checks, out);
  if (input.mix) mixProblems(input.mix, input, out);
  return out;
}
