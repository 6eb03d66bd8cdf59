/** Value parsers shared by the flag groups; each names its flag when the text is not what it expects. */
import { GoliveError } from '../../core/errors.js';

export function checkUsage(msg: string): GoliveError {
  return new GoliveError('GOLIVE_USAGE', `${msg} (see golive check --help)`);
}

/** A number as given; zod reports what range was expected when it is not a valid one. */
export function num(v: string, flag: string): number {
  const n = Number(v.trim());
  if (v.trim() === '' || !Number.isFinite(n)) throw checkUsage(`${flag}: expected a number, got "${v}"`);
  return n;
}

/** `a, b,,c` -> ['a', 'b', 'c'] */
export function commaList(v: string): string[] {
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

/** A repeatable flag whose values may also be comma lists. */
export function commaLists(vs: readonly string[]): string[] {
  return vs.flatMap((v) => commaList(v));
}

/** `metric=expr` pairs; the selector may itself contain ':' and ',' but not '='. */
export function parseThresholdFlags(values: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    const metric = v.slice(0, i).trim();
    const expr = v.slice(i + 1).trim();
    if (i <= 0 || expr === '') throw checkUsage(`--threshold: expected METRIC=EXPRESSION, e.g. 'http_req_duration{phase:load}=p(99)<800', got "${v}"`);
    (out[metric] ??= []).push(expr);
  }
  return out;
}
