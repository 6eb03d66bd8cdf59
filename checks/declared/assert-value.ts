/**
 * Labels and verdicts of the response-level assertions: status, header,
 * latency and JSONPath values. Pure and runtime-neutral; a failure reason
 * names what was expected and previews (bounded) what came back.
 */
import type { HeaderAssertion, JsonpathAssertion, StatusAssertion } from '../../src/contract/checks-schema.js';
import { preview, statusReason } from '../outcome.js';
import { isSingular, select } from './jsonpath.js';

/** undefined when the assertion holds, else why not */
export type Verdict = string | undefined;

export function statusLabel(a: StatusAssertion): string {
  const s = a.status;
  if (typeof s === 'number') return `status is ${s}`;
  if (Array.isArray(s)) return `status in [${s.join(', ')}]`;
  if ('matches' in s) return `status matches /${s.matches}/`;
  return `status in ${s.min}..${s.max}`;
}

/**
 * A wrong status quotes what the target said with it (capped, one line), as
 * the runbook's checks always did; a list names what it wanted instead.
 * `body`: the response text, or an UnreadableBody when it was not kept.
 */
export function statusVerdict(a: StatusAssertion, status: number, location?: string, body?: unknown): Verdict {
  const s = a.status;
  const ok = typeof s === 'number' ? status === s
    : Array.isArray(s) ? s.includes(status)
    : 'matches' in s ? new RegExp(s.matches).test(String(status))
    : status >= s.min && status <= s.max;
  if (ok) return undefined;
  if (!Array.isArray(s)) return statusReason(status, location, body);
  const wanted = s.length === 1 ? String(s[0]) : `${s.slice(0, -1).join(', ')} or ${String(s.at(-1))}`;
  return `expected ${wanted}, ${status >= 300 && status < 400 ? statusReason(status, location) : `got ${status}`}`;
}

export function headerLabel(a: HeaderAssertion): string {
  const h = a.header.toLowerCase();
  if (a.equals !== undefined) return `header ${h} equals ${JSON.stringify(a.equals)}`;
  if (a.matches !== undefined) return `header ${h} matches /${a.matches}/`;
  return a.exists === false ? `header ${h} is absent` : `header ${h} exists`;
}

export function headerVerdict(a: HeaderAssertion, headers: Readonly<Record<string, string>>): Verdict {
  const h = a.header.toLowerCase();
  const got = headers[h];
  if (a.exists !== undefined) {
    if (a.exists) return got === undefined ? `${h}: missing` : undefined;
    return got === undefined ? undefined : `${h}: present, got ${preview(got)}`;
  }
  if (got === undefined) return `${h}: missing`;
  if (a.equals !== undefined) return got === a.equals ? undefined : `${h}: expected ${JSON.stringify(a.equals)}, got ${preview(got)}`;
  return new RegExp(a.matches ?? '').test(got) ? undefined : `${h}: expected to match /${a.matches}/, got ${preview(got)}`;
}

const OPS = [['lt', '<'], ['lte', '<='], ['gt', '>'], ['gte', '>=']] as const;

function lengthText(rule: NonNullable<JsonpathAssertion['length']>): string {
  if (typeof rule === 'number') return `length == ${rule}`;
  return OPS.filter(([k]) => rule[k] !== undefined).map(([k, op]) => `length ${op} ${String(rule[k])}`).join(' and ');
}

export function jsonpathLabel(a: JsonpathAssertion): string {
  const parts: string[] = [];
  if (a.exists !== undefined) parts.push(a.exists ? 'exists' : 'does not exist');
  if (a.equals !== undefined) parts.push(`equals ${previewJson(a.equals)}`);
  if (a.matches !== undefined) parts.push(`matches /${a.matches}/`);
  for (const [k, op] of OPS) if (a[k] !== undefined) parts.push(`${op} ${JSON.stringify(a[k])}`);
  if (a.length !== undefined) parts.push(lengthText(a.length));
  return `${a.jsonpath} ${parts.join(' and ')}`;
}

/** An operand from the config, shown short. */
function previewJson(v: unknown): string {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

/** Deep equality of JSON values (iterative: a target's body may be deeply nested). */
function jsonEqual(a: unknown, b: unknown): boolean {
  const stack: Array<[unknown, unknown]> = [[a, b]];
  while (stack.length > 0) {
    const [x, y] = stack.pop() as [unknown, unknown];
    if (x === y) continue;
    if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return false;
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    const kx = Object.keys(x);
    const ky = Object.keys(y);
    if (kx.length !== ky.length) return false;
    for (const k of kx) {
      if (!Object.prototype.hasOwnProperty.call(y, k)) return false;
      stack.push([(x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]]);
    }
  }
  return true;
}

function compare(got: unknown, op: string, want: number | string, where: string): Verdict {
  if (typeof got !== typeof want) return `${where}: expected a ${typeof want} ${op} ${JSON.stringify(want)}, got ${preview(got)}`;
  const g = got as number | string;
  const ok = op === '<' ? g < want : op === '<=' ? g <= want : op === '>' ? g > want : g >= want;
  return ok ? undefined : `${where}: expected ${op} ${JSON.stringify(want)}, got ${preview(got)}`;
}

function lengthVerdict(got: unknown, rule: NonNullable<JsonpathAssertion['length']>, where: string): Verdict {
  if (!Array.isArray(got) && typeof got !== 'string') return `${where}: expected an array or string, got ${preview(got)}`;
  const n = got.length;
  if (typeof rule === 'number') return n === rule ? undefined : `${where}: expected length ${rule}, got ${n}`;
  for (const [k, op] of OPS) {
    const want = rule[k];
    if (want === undefined) continue;
    const v = compare(n, op, want, `${where} length`);
    if (v) return v;
  }
  return undefined;
}

export function jsonpathVerdict(a: JsonpathAssertion, doc: unknown): Verdict {
  const values = select(a.jsonpath, doc);
  const where = a.jsonpath;
  if (a.exists !== undefined) {
    if (a.exists && values.length === 0) return `${where}: matched nothing`;
    if (!a.exists && values.length > 0) return `${where}: expected nothing, got ${preview(values[0])}`;
  }
  const needsValue = a.equals !== undefined || a.matches !== undefined || a.length !== undefined || OPS.some(([k]) => a[k] !== undefined);
  if (!needsValue) return undefined;
  if (values.length === 0) return `${where}: matched nothing`;
  // A singular path's one value, else the list of what a wildcard or descent selected.
  const singular = isSingular(a.jsonpath);
  const got = singular ? values[0] : values;
  if (a.equals !== undefined && !jsonEqual(got, a.equals)) return `${where}: expected ${previewJson(a.equals)}, got ${preview(got)}`;
  if (a.matches !== undefined) {
    if (typeof got !== 'string' && typeof got !== 'number') return `${where}: expected a string matching /${a.matches}/, got ${preview(got)}`;
    if (!new RegExp(a.matches).test(String(got))) return `${where}: expected to match /${a.matches}/, got ${preview(got)}`;
  }
  for (const [k, op] of OPS) {
    const want = a[k];
    if (want === undefined) continue;
    const v = compare(got, op, want, where);
    if (v) return v;
  }
  if (a.length === undefined) return undefined;
  // A singular path: the length of its array or string; a wildcard: how many it selected.
  return lengthVerdict(got, a.length, where);
}
