/**
 * Credentials must never reach a log, report or error text: URLs go through the
 * one redaction (src/core/redact.ts), and any known secret that still slipped
 * into a message is masked.
 */

export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 3) out = out.split(s).join('***');
  return out;
}

/** First line, trimmed and capped: errors are one line. */
export function oneLine(text: string, max = 200): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
