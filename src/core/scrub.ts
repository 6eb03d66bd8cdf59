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

/**
 * The run's own text (check reasons, phase and threshold messages, rollback
 * reasons, notes, the error) with every known secret masked: a hostile target
 * can echo the bearer token into a body that a check then quotes. The raw
 * series and timeline carry numbers and fixed tags only and are kept as they are.
 */
export function scrubGoliveText<T extends { golive: object }>(result: T, secrets: readonly (string | undefined)[]): T {
  if (!secrets.some((s) => s && s.length >= 3)) return result;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return scrubSecrets(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const { series, timeline, ...rest } = result.golive as Record<string, unknown>;
  const golive = { ...(walk(rest) as object), ...(series === undefined ? {} : { series }), ...(timeline === undefined ? {} : { timeline }) };
  return { ...result, golive };
}
