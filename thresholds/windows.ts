/**
 * Windowed thresholds (`p(95)<500 over 10s`): the expression must hold in
 * every sliding window of the samples, so a collapse at the peak cannot hide
 * in a whole-run percentile (k6's open grafana/k6#2379). The result names the
 * worst window and when it was.
 */
import type { ThresholdResult } from '../src/core/result.js';
import { windowsUnsupported } from '../src/core/window-support.js';
import type { MetricSelector, ParsedThreshold } from './parse.js';
import type { MetricSource, WindowSelection } from './source.js';
import { formatMeasured, hasSamples } from './source.js';
import { compare, validateFor } from './parse.js';
import type { Operator } from './parse.js';

/** Which of two values is further on the failing side of the operator. */
function worse(op: Operator, a: number, b: number): boolean {
  if (op === '<' || op === '<=') return a > b;
  if (op === '>' || op === '>=') return a < b;
  return false;
}

/** `05:40:12-05:40:22Z`: the window in UTC wall time, seconds resolution. */
export function describeWindow(startMs: number, endMs: number): string {
  const hms = (ms: number): string => new Date(ms).toISOString().slice(11, 19);
  return `${hms(startMs)}-${hms(endMs)}Z`;
}

export function judgeWindows(c: { metric: string; selector: MetricSelector; parsed: ParsedThreshold }, source: MetricSource, base: ThresholdResult, seconds: number): ThresholdResult {
  const { metric, selector, parsed } = c;
  const unsupported = windowsUnsupported(selector.name, selector.tags);
  if (unsupported !== undefined) return { ...base, message: `${metric}: ${unsupported}` };
  if (!source.windows) {
    return { ...base, message: `no per-window samples for ${metric}: this engine's results have no time series` };
  }
  const windows = source.windows(selector.name, selector.tags, seconds).filter((w) => hasSamples(w.agg));
  const first = windows[0];
  if (first === undefined) return { ...base, message: `no samples for ${metric}` };
  validateFor(parsed, first.agg.info.type, metric);
  let worst: { w: WindowSelection; v: number } | undefined;
  let failed = 0;
  let judged = 0;
  for (const w of windows) {
    const v = w.agg.value(parsed.aggName, (w.endMs - w.startMs) / 1000);
    if (v === undefined || Number.isNaN(v)) continue;
    judged++;
    const ok = compare(v, parsed.operator, parsed.value);
    if (!ok) failed++;
    if (worst === undefined) {
      worst = { w, v };
      continue;
    }
    // A failing window beats a passing one; among equals, the one further past the limit.
    const worstOk = compare(worst.v, parsed.operator, parsed.value);
    if (ok !== worstOk ? !ok : worse(parsed.operator, v, worst.v)) worst = { w, v };
  }
  if (worst === undefined) return { ...base, message: `${parsed.aggName} not available for ${metric}` };
  const ok = failed === 0;
  const shown = `${parsed.aggName}=${formatMeasured(worst.v, first.agg.info.contains)}`;
  const when = describeWindow(worst.w.startMs, worst.w.endMs);
  const want = `${parsed.operator}${parsed.value}`;
  const message = ok
    ? `worst ${seconds}s window ${shown} at ${when}, ${judged} windows (${want})`
    : `${shown} in the ${seconds}s window ${when}, ${failed} of ${judged} windows failed, wanted ${want}`;
  return {
    ...base,
    ok,
    actual: worst.v,
    message,
    window: {
      seconds,
      windows: judged,
      failed,
      worst: { startedAt: new Date(worst.w.startMs).toISOString(), endedAt: new Date(worst.w.endMs).toISOString(), actual: worst.v },
    },
  };
}
