/**
 * Pure: the Strict-Transport-Security header parsed per RFC 6797 §6.1 and
 * judged against the minimum max-age. Grammar, not a regex: directives split on
 * ';' outside quoted strings, names are case-insensitive tokens, values are a
 * token or a quoted-string, each directive at most once, max-age required and
 * delta-seconds; unknown directives are ignored (§6.1 "UAs MUST ignore").
 */
import type { EdgeCheck, EdgeHsts } from '../../core/edge-report.js';
import { quoted } from './text.js';

export type HstsParse =
  | { ok: true; maxAgeSeconds: number; includeSubDomains: boolean; preload: boolean }
  | { ok: false; error: string };

// RFC 2616 token: any CHAR except CTLs and separators.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

interface Directive { name: string; value?: string }

/** Splits on ';' outside quoted strings; returns undefined on an unterminated quote. */
function splitDirectives(header: string): string[] | undefined {
  const parts: string[] = [];
  let cur = '';
  let inQuote = false;
  for (let i = 0; i < header.length; i++) {
    const c = header[i] as string;
    if (inQuote) {
      cur += c;
      if (c === '\\' && i + 1 < header.length) cur += header[++i];
      else if (c === '"') inQuote = false;
    } else if (c === '"') { inQuote = true; cur += c; } else if (c === ';') { parts.push(cur); cur = ''; } else cur += c;
  }
  if (inQuote) return undefined;
  parts.push(cur);
  return parts;
}

function unquote(v: string): string | undefined {
  if (!v.startsWith('"')) return TOKEN.test(v) ? v : undefined;
  if (v.length < 2 || !v.endsWith('"')) return undefined;
  return v.slice(1, -1).replace(/\\(.)/g, '$1');
}

function parseDirective(text: string): Directive | string | undefined {
  const t = text.trim();
  if (t === '') return undefined; // empty directives are allowed: "max-age=1;;"
  const eq = t.indexOf('=');
  const name = (eq < 0 ? t : t.slice(0, eq)).trim();
  if (!TOKEN.test(name)) return `directive name ${quoted(name)} is not a token`;
  if (eq < 0) return { name: name.toLowerCase() };
  const value = unquote(t.slice(eq + 1).trim());
  if (value === undefined) return `directive ${name} has a malformed value`;
  return { name: name.toLowerCase(), value };
}

export function parseHsts(header: string): HstsParse {
  const parts = splitDirectives(header);
  if (!parts) return { ok: false, error: 'unterminated quoted string' };
  const seen = new Map<string, Directive>();
  for (const part of parts) {
    const d = parseDirective(part);
    if (d === undefined) continue;
    if (typeof d === 'string') return { ok: false, error: d };
    if (seen.has(d.name)) return { ok: false, error: `directive ${d.name} appears more than once` };
    seen.set(d.name, d);
  }
  const maxAge = seen.get('max-age');
  if (!maxAge) return { ok: false, error: 'no max-age directive (it is required)' };
  if (maxAge.value === undefined || !/^\d+$/.test(maxAge.value)) return { ok: false, error: 'max-age is not a number of seconds' };
  for (const flag of ['includesubdomains', 'preload']) {
    if (seen.get(flag)?.value !== undefined) return { ok: false, error: `${flag === 'preload' ? 'preload' : 'includeSubDomains'} takes no value` };
  }
  return { ok: true, maxAgeSeconds: Number(maxAge.value), includeSubDomains: seen.has('includesubdomains'), preload: seen.has('preload') };
}

function age(seconds: number): string {
  const days = seconds / 86_400;
  return days >= 1 ? `${Math.floor(days)} days` : `${seconds} s`;
}

/** `headers`: every Strict-Transport-Security field of the answer; only the first counts (§8.1). */
export function judgeHsts(headers: readonly string[], minAgeSeconds: number, where: string): { check: EdgeCheck; hsts: EdgeHsts } {
  const header = headers[0];
  if (header === undefined) {
    return { check: { name: 'hsts', status: 'failed', detail: `no Strict-Transport-Security header on ${where}` }, hsts: {} };
  }
  const parsed = parseHsts(header);
  const shown = { header: header.slice(0, 200) };
  if (!parsed.ok) {
    return { check: { name: 'hsts', status: 'failed', detail: `malformed Strict-Transport-Security ${quoted(header)}: ${parsed.error}` }, hsts: shown };
  }
  const hsts: EdgeHsts = { ...shown, maxAgeSeconds: parsed.maxAgeSeconds, includeSubDomains: parsed.includeSubDomains, preload: parsed.preload };
  const flags = `includeSubDomains ${parsed.includeSubDomains ? 'set' : 'not set'}${parsed.preload ? ', preload' : ''}`;
  const measured = `max-age=${parsed.maxAgeSeconds} (${age(parsed.maxAgeSeconds)})`;
  if (parsed.maxAgeSeconds < minAgeSeconds) {
    return { check: { name: 'hsts', status: 'failed', detail: `${measured}, wanted at least ${minAgeSeconds} (${age(minAgeSeconds)}); ${flags}` }, hsts };
  }
  return { check: { name: 'hsts', status: 'passed', detail: `${measured}; ${flags}` }, hsts };
}
