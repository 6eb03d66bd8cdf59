/**
 * Every byte from a target or sink is hostile. Before a string it supplied
 * reaches a terminal or a report it is capped and stripped of what could
 * repaint a screen or reorder text: C0 controls (ESC, BEL, NUL, ...), DEL,
 * C1 controls (0x80-0x9F, e.g. the one-byte CSI), line/paragraph separators
 * and the bidi overrides and isolates (Trojan Source). Runtime-neutral.
 */

// Tab and newline are kept by stripUnsafe (multi-line report bodies); safeLine folds them.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

/** Default cap for one reason line: enough to say why, far from a 64 Mi reports volume. */
export const MAX_REASON_CHARS = 500;

export function stripUnsafe(text: string): string {
  return text.replace(UNSAFE, '');
}

/** Capped to `max` characters (a cut is marked with "…"), never splitting a surrogate pair. */
export function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** One line for a terminal or report: unsafe characters gone, whitespace folded, capped. */
export function safeLine(text: string, max = MAX_REASON_CHARS): string {
  // Cap first (cheaply) so a 5 MB string is not scanned in full, then clean and cap exactly.
  const head = text.length > max * 4 ? text.slice(0, max * 4) : text;
  return cap(stripUnsafe(head).replace(/[\s]+/g, ' ').trim(), max);
}
