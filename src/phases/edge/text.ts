/** Pure: text from a target shown in a check detail: capped, control characters escaped. */
import { firstLine } from '../../core/errors.js';

const MAX = 120;

/** JSON quoting escapes control characters, so a hostile value cannot repaint a terminal. */
export function quoted(s: string): string {
  return JSON.stringify(s.length > MAX ? `${s.slice(0, MAX)}…` : s);
}

/** First line of an error, without a stack. */
export function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  const line = firstLine(err);
  return e?.code && !line.includes(e.code) ? `${line} (${e.code})` : line;
}
