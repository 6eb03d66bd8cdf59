/**
 * Credentials must never reach a log, report or error text: URLs go through the
 * one redaction (src/core/redact.ts), and any known secret that still slipped
 * into a message is masked.
 */
import { safeLine } from './sanitize.js';

export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 3) out = out.split(s).join('***');
  return out;
}

/** One line, trimmed, capped and stripped of terminal controls: errors quote sinks' bodies. */
export function oneLine(text: string, max = 200): string {
  return safeLine(text, max);
}
