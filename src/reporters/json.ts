/**
 * `summary.json`: the RunResult as it is (k6's summary shape plus the golive
 * block), pretty-printed. `golive.series` stays in by default: it carries the
 * encoded histograms that let runners be merged exactly, and it is small.
 */
import type { RunResult } from '../core/result.js';
import { redactingReplacer } from '../core/redact.js';

export interface JsonOptions {
  includeSeries?: boolean;
}

export function renderJson(result: RunResult, opts: JsonOptions = {}): string {
  const { series, ...golive } = result.golive;
  const doc: RunResult = opts.includeSeries === false || series === undefined
    ? { ...result, golive }
    : result;
  // JSON has no Infinity/NaN: they would silently become null; say "absent" instead.
  return `${JSON.stringify(doc, (_key, value: unknown) => {
    if (typeof value === 'string') return redactingReplacer(_key, value);
    if (typeof value === 'number' && !Number.isFinite(value)) return undefined;
    return value;
  }, 2)}\n`;
}
