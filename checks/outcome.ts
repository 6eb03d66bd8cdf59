/**
 * What every check returns, and how a zod failure becomes one reason line.
 * Shared by the node engine and the k6 scripts: plain TS and zod only (k6 is
 * not Node: no node:* imports, no Buffer, no process).
 */
import type { z } from 'zod';
import { redactUrl } from '../src/core/redact.js';
import { bodySnippet } from './causes.js';

/** One named assertion; `reason` says why it failed, naming the field. */
export interface CheckOutcome {
  name: string;
  ok: boolean;
  reason?: string;
}

export function pass(name: string): CheckOutcome {
  return { name, ok: true };
}

export function fail(name: string, reason: string): CheckOutcome {
  return { name, ok: false, reason };
}

const LOCATION_MAX = 200;
// C0/C1 controls and the bidi overrides and isolates: a Location is the target's text.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * "got status 302 redirecting to http://…/login (not followed)" for a 3xx:
 * neither engine follows redirects (a redirect could carry the token to
 * another port, scheme or host), so a redirect fails the status check and
 * names where it pointed, redacted, stripped and capped.
 */
export function statusReason(status: number, location?: string, body?: unknown): string {
  if (status < 300 || status > 399) {
    // What the target said with a wrong status is most of the diagnosis: a capped line of it.
    const said = body instanceof UnreadableBody ? undefined : bodySnippet(body);
    return said === undefined ? `got status ${status}` : `got status ${status}: ${said}`;
  }
  if (location === undefined || location === '') return `got status ${status} (a redirect without Location; golive follows no redirects)`;
  const clean = redactUrl(location.replace(UNSAFE, ''));
  const shown = clean.length > LOCATION_MAX ? `${clean.slice(0, LOCATION_MAX)}…` : clean;
  return `got status ${status} redirecting to ${shown} (not followed: golive follows no redirects)`;
}

/** `bars[2].high` from ['bars', 2, 'high']; the root is `body`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? 'body' : out;
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return typeof v;
}

/** Characters of a target's string quoted in a reason; the rest is counted, not copied. */
export const PREVIEW_CHARS = 120;

/**
 * A target's value as a reason quotes it: bounded, and never by walking it
 * (JSON.stringify recurses: a 100k-deep array overflows the stack). Strings
 * are quoted and cut, containers named by type.
 */
export function preview(v: unknown, max = PREVIEW_CHARS): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') {
    return v.length > max ? `${JSON.stringify(v.slice(0, max))}… (${v.length} characters)` : JSON.stringify(v);
  }
  if (v === null || typeof v !== 'object') return typeName(v) === 'number' || typeof v === 'boolean' ? String(v) : typeName(v);
  return Array.isArray(v) ? `an array of ${v.length}` : 'an object';
}

function at(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/** The first issue as `path: what was expected, got what` (zod's own wording otherwise). */
export function describeIssue(issue: z.core.$ZodIssue, root: unknown): string {
  const where = formatPath(issue.path);
  if (issue.code === 'invalid_type') {
    const got = at(root, issue.path);
    return `${where}: expected ${issue.expected}, got ${got === undefined ? 'nothing' : typeName(got)}`;
  }
  if (issue.code === 'invalid_format') {
    const shape = issue.format === 'date' ? 'a date YYYY-MM-DD' : `a ${issue.format}`;
    return `${where}: expected ${shape}, got ${preview(at(root, issue.path))}`;
  }
  return `${where}: ${issue.message}`;
}

/** A body the client did not keep (e.g. larger than the cap): every check on it fails with the reason. */
export class UnreadableBody {
  // A class, not a plain object: no JSON a target sends can pass for one.
  constructor(readonly reason: string) {}
}

/** Bodies arrive parsed (node engine) or as text (k6 `res.body`). */
export function parseBody(body: unknown): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (body instanceof UnreadableBody) return { ok: false, reason: body.reason };
  if (typeof body !== 'string') return { ok: true, value: body };
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    return { ok: false, reason: `body: expected JSON, got ${body.length === 0 ? 'an empty body' : 'text that does not parse'}` };
  }
}
