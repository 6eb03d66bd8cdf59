/**
 * Pure: what was wrong with a config, in plain English, one line per problem:
 * the path (and the flag that sets it), the value given (never a secret's) and
 * what was expected. zod's own wording ("Invalid option", "Too small") never
 * reaches the user; neither does a key the schema has no place for, silently.
 */
import type { z } from 'zod';
import { closestName } from '../core/nearest.js';
import { schemaEntries, type UnknownKey } from '../contract/schema-walk.js';

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/** Keys users write where golive does not take them, and where that setting lives. */
export const NOT_YET_KEYS: Readonly<Record<string, string>> = {
  'load.body': 'a request body belongs to a declared check\'s step (`checks[].steps[].json`, `body` or `bodyFile`), sent under load by naming the check in `load.mix`',
  'load.headers': 'request headers belong to a declared check\'s step (`checks[].steps[].headers`), sent under load by naming the check in `load.mix`',
};

/** Paths whose values are never quoted (the same fields --print-config redacts). */
const SECRET = /(^|\.)(token|password|username|bearerToken)$/i;

export const dotted = (path: Path): string => path.map(String).join('.');

/** Declared checks are deep lists: `checks[2].steps[0].expect[1]` reads as the user wrote it. */
function shownPath(path: Path): string {
  if (path[0] !== 'checks' && !path.includes('mix')) return dotted(path);
  let out = '';
  for (const k of path) out += typeof k === 'number' || /^\d+$/.test(String(k)) ? `[${String(k)}]` : out === '' ? String(k) : `.${String(k)}`;
  return out;
}

/** The flag of the nearest path that has one: load.workload.stages.0.target -> --stages. */
function flagFor(path: Path, flags: Readonly<Record<string, string>>): string | undefined {
  for (let n = path.length; n > 0; n--) {
    const f = flags[dotted(path.slice(0, n))];
    if (f !== undefined) return f;
  }
  return undefined;
}

function where(path: Path, flags: Readonly<Record<string, string>>): string {
  const p = shownPath(path);
  const flag = flagFor(path, flags);
  return p === '' ? 'config' : flag ? `${p} (${flag})` : p;
}

/** A value as the user wrote it, short; a secret's is never shown. */
function shown(path: Path, v: unknown): string {
  if (SECRET.test(dotted(path))) return 'a value';
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length === 0 ? 'an empty list' : 'a list';
  if (typeof v === 'object') return 'an object';
  const text = typeof v === 'string' ? JSON.stringify(v) : String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  number: 'a number', int: 'a whole number', string: 'text', boolean: 'true or false',
  array: 'a list', object: 'an object', record: 'an object', nan: 'a number',
};

const list = (values: readonly unknown[]): string => values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');

function bound(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>): string {
  const small = issue.code === 'too_small';
  const n = Number(small ? issue.minimum : issue.maximum);
  const cmp = issue.inclusive ? (small ? 'at least' : 'at most') : (small ? 'more than' : 'less than');
  if (issue.origin === 'array' || issue.origin === 'set') return `${cmp} ${n} ${n === 1 ? 'entry' : 'entries'}`;
  if (issue.origin === 'string') return n === 1 && small ? 'a non-empty text' : `text of ${cmp} ${n} characters`;
  return `a number ${cmp} ${n}`;
}

const FORMATS: Readonly<Record<string, string>> = {
  date: 'a date as YYYY-MM-DD', datetime: 'a date-time as YYYY-MM-DDTHH:MM:SSZ', url: 'a URL', email: 'an e-mail address',
};

/** What was expected, in words; undefined when zod's message is our own (a refinement's). */
function expected(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': return TYPE_WORDS[issue.expected] ?? issue.expected;
    case 'invalid_value': return issue.values.length === 1 ? list(issue.values) : `one of ${list(issue.values)}`;
    case 'too_small':
    case 'too_big': return bound(issue);
    case 'invalid_format': {
      const f = issue as Issue & { format: string; prefix?: string; suffix?: string; includes?: string };
      if (f.format === 'starts_with') return `text starting with "${f.prefix ?? ''}"`;
      if (f.format === 'ends_with') return `text ending with "${f.suffix ?? ''}"`;
      if (f.format === 'includes') return `text containing "${f.includes ?? ''}"`;
      if (f.format === 'regex') return undefined;
      return FORMATS[f.format] ?? f.format;
    }
    case 'not_multiple_of': return `a multiple of ${String(issue.divisor)}`;
    case 'invalid_union': {
      const u = issue as Issue & { options?: readonly unknown[]; note?: string };
      return u.options ? `one of ${list(u.options)}` : undefined;
    }
    default: return undefined;
  }
}

/** The value a problem is about: what zod reports (reportInput), else nothing. */
const inputOf = (issue: Issue): unknown => (issue as { input?: unknown }).input;

/** One zod issue as one plain-English line. */
export function describeIssue(issue: Issue, flags: Readonly<Record<string, string>>): string {
  const path = issue.path;
  const at = where(path, flags);
  const input = inputOf(issue);
  if (issue.code === 'invalid_union') {
    // An object that fits none of the forms: name the nearest form's own problem.
    const inner = issue.errors.map((e) => e.filter((i) => i.path.length > 0)).find((e) => e.length > 0);
    const first = inner?.[0];
    if (first) return describeIssue({ ...first, path: [...path, ...first.path] }, flags);
  }
  // Our own schema messages are lower-case ("expected an http(s) URL", "above ... ms"); zod's are not.
  if (!/^[A-Z]/.test(issue.message)) {
    const scalar = input === null || ['string', 'number', 'boolean'].includes(typeof input);
    return `${at}: ${issue.message}${scalar && !/\bgot\b/.test(issue.message) ? `, got ${shown(path, input)}` : ''}`;
  }
  const want = expected(issue);
  const disc = (issue as { discriminator?: string }).discriminator;
  if (disc !== undefined && typeof input === 'object' && input !== null) {
    return `${at}: expected ${want ?? 'a known form'}, got ${shown(path, (input as Record<string, unknown>)[disc])}`;
  }
  if (want === undefined) return `${at}: ${issue.message}`;
  if (input === undefined && issue.code === 'invalid_type') return `${at}: required: expected ${want}`;
  return `${at}: expected ${want}, got ${shown(path, input)}`;
}

/** `load.treshold`: the nearest key of that object, or failing that of the whole schema. */
function suggestion(u: UnknownKey, all: readonly string[]): string {
  const here = closestName(u.key, u.known);
  if (here !== undefined) return `, did you mean \`${shownPath([...u.at, here])}\`?`;
  const elsewhere = closestName(u.key, all.map((p) => p.split('.').pop() ?? p));
  const full = elsewhere === undefined ? undefined : all.find((p) => p.split('.').pop() === elsewhere);
  if (full !== undefined) return `, did you mean \`${full}\`${full.includes('.') ? '' : ' (top level)'}?`;
  return u.known.length > 0 && u.known.length <= 8 ? `; expected one of ${u.known.join(', ')}` : '';
}

/** One line per key the schema has no place for. */
export function describeUnknownKeys(found: readonly UnknownKey[], schema: z.core.$ZodType): string[] {
  const all = schemaEntries(schema).map((e) => e.path).filter((p) => !p.includes('[]') && !p.includes('<name>'));
  return found.map((u) => {
    const path = [...u.at, u.key].join('.');
    const later = NOT_YET_KEYS[path];
    if (later !== undefined) return `\`${path}\`: not supported: ${later}`;
    return `\`${shownPath([...u.at, u.key])}\`: unknown key${suggestion(u, all)}`;
  });
}
