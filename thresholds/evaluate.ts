/**
 * Evaluates k6-syntax thresholds against any MetricSource (our MetricStore, or
 * a k6 summary through summaryMetricSource). Unlike k6, a threshold over a
 * metric or sub-metric with no samples FAILS: a gate must not pass silently.
 */
import type { MetricType } from '../src/core/metrics.js';
import { PHASES } from '../src/core/result.js';
import type { PhaseName, ThresholdResult } from '../src/core/result.js';
import { GoliveError } from '../src/core/errors.js';
import { windowsUnsupported } from '../src/core/window-support.js';
import { judgeWindows } from './windows.js';
import { formatMeasured, hasSamples } from './source.js';
import type { MetricSource } from './source.js';

export type { MetricSource, SelectedMetric, WindowSelection } from './source.js';
export { formatMeasured, hasSamples } from './source.js';
import {
  compare, normalizeThreshold, parseMetricSelector, parseThreshold, validateFor,
} from './parse.js';
import type { MetricSelector, ParsedThreshold, ThresholdInput } from './parse.js';

export type ThresholdDefs = Readonly<Record<string, readonly ThresholdInput[]>>;

interface Compiled {
  metric: string;
  selector: MetricSelector;
  parsed: ParsedThreshold;
}

/** Parses every selector and expression first, so a typo fails before anything is judged. */
function compile(defs: ThresholdDefs): Compiled[] {
  const out: Compiled[] = [];
  for (const [metric, list] of Object.entries(defs)) {
    const selector = parseMetricSelector(metric);
    for (const input of list) {
      out.push({ metric, selector, parsed: parseThreshold(normalizeThreshold(input).expression) });
    }
  }
  return out;
}

/**
 * Config-time check: syntax of every entry, and aggregations against the
 * metric types known up front (built-ins, declared custom metrics).
 */
export function validateThresholdDefs(defs: ThresholdDefs, typeOf: (name: string) => MetricType | undefined): void {
  for (const c of compile(defs)) {
    if (c.parsed.windowSeconds !== undefined) {
      const why = windowsUnsupported(c.selector.name, c.selector.tags);
      if (why !== undefined) throw new GoliveError('GOLIVE_INVALID_CONFIG', `threshold ${JSON.stringify(c.parsed.source)} on ${c.metric}: ${why}`);
    }
    const type = typeOf(c.selector.name);
    if (type !== undefined) validateFor(c.parsed, type, c.metric);
  }
}

function phaseOf(tags: Record<string, string>): PhaseName | undefined {
  const p = tags['phase'];
  return (PHASES as readonly string[]).includes(p ?? '') ? (p as PhaseName) : undefined;
}

function judge(c: Compiled, source: MetricSource, durationSeconds: number): ThresholdResult {
  const { metric, selector, parsed } = c;
  const base: ThresholdResult = { metric, expression: parsed.source, ok: false, message: '' };
  const phase = phaseOf(selector.tags);
  if (phase !== undefined) base.phase = phase;
  if (parsed.windowSeconds !== undefined) return judgeWindows(c, source, base, parsed.windowSeconds);
  const m = source.select(selector.name, selector.tags);
  if (m === undefined || !hasSamples(m)) return { ...base, message: `no samples for ${metric}` };
  validateFor(parsed, m.info.type, metric);
  const actual = m.value(parsed.aggName, durationSeconds);
  if (actual === undefined || Number.isNaN(actual)) {
    return { ...base, message: `${parsed.aggName} not available for ${metric}` };
  }
  const ok = compare(actual, parsed.operator, parsed.value);
  const shown = `${parsed.aggName}=${formatMeasured(actual, m.info.contains)}`;
  const want = `${parsed.operator}${parsed.value}`;
  return { ...base, ok, actual, message: ok ? `${shown} (${want})` : `${shown}, wanted ${want}` };
}

/**
 * One result per (selector, expression), in definition order. Throws
 * GOLIVE_INVALID_CONFIG for bad syntax or an aggregation that does not fit the
 * metric's type.
 */
export function evaluateThresholds(defs: ThresholdDefs, source: MetricSource, durationSeconds: number): ThresholdResult[] {
  return compile(defs).map((c) => judge(c, source, durationSeconds));
}
