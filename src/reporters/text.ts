/**
 * Small text helpers shared by the reporters: URL redaction (src/core/redact.ts),
 * number formatting, and escaping for XML and HTML.
 */
import { stripUnsafe } from '../core/sanitize.js';
import { redactUrl, redactUrls } from '../core/redact.js';
import type { PhaseStatus, RunResult, Verdict } from '../core/result.js';

/** Characters XML 1.0 forbids outright (they cannot even be escaped). */
// eslint-disable-next-line no-control-regex
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * What no report or terminal gets: XML's forbidden characters plus ESC, C1
 * and bidi controls (core/sanitize.ts); tab and newline stay.
 */
export function removeControlChars(text: string): string {
  return stripUnsafe(text.replace(XML_FORBIDDEN, ''));
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  '\n': '&#10;', '\r': '&#13;', '\t': '&#9;',
};

/**
 * Text content for XML or HTML: URLs redacted (a URL given with credentials would otherwise
 * be echoed into every report), forbidden characters dropped, markup escaped.
 */
export function escapeText(text: string): string {
  return removeControlChars(redactUrls(text)).replace(/[&<>]/g, (c) => ENTITIES[c] ?? c);
}

/**
 * Attribute values: additionally quotes, and whitespace as character
 * references so a parser's attribute normalisation keeps the newlines.
 */
export function escapeAttr(text: string): string {
  return removeControlChars(redactUrls(text)).replace(/[&<>"'\n\r\t]/g, (c) => ENTITIES[c] ?? c);
}

export function fmtMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  return `${ms.toFixed(2)}ms`;
}

/** Durations for humans: 850ms, 12.3s, 4m05s. */
export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export function fmtPercent(rate: number | undefined): string {
  if (rate === undefined || !Number.isFinite(rate)) return '-';
  return `${(rate * 100).toFixed(2)}%`;
}

export function fmtNumber(n: number | undefined, digits = 0): string {
  if (n === undefined || !Number.isFinite(n)) return '-';
  return digits === 0 ? String(Math.round(n)) : n.toFixed(digits);
}

export const VERDICT_LABEL: Readonly<Record<Verdict, string>> = {
  passed: 'PASSED', failed: 'FAILED', aborted: 'ABORTED', error: 'ERROR',
};

export const STATUS_MARK: Readonly<Record<PhaseStatus, string>> = {
  passed: '✓', failed: '✗', skipped: '-', error: '!', aborted: '!',
};

/** The target as it may be printed. */
export function displayTarget(result: RunResult): string {
  return redactUrl(result.golive.target);
}

/**
 * How a threshold reads in every report: passed, failed, or "not judged"
 * (a failure golive's own lag could account for: the run is 107, not 99).
 */
export function thresholdState(t: { ok: boolean; voided?: string; message: string }): { state: 'passed' | 'failed' | 'voided'; mark: string; text: string } {
  if (t.ok) return { state: 'passed', mark: '✓', text: t.message };
  if (t.voided !== undefined) return { state: 'voided', mark: '!', text: `not judged: ${t.voided}` };
  return { state: 'failed', mark: '✗', text: t.message };
}
