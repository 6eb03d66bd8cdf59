/**
 * k6 threshold syntax: `<aggregation> <operator> <number>` expressions and
 * `name{tag:value,...}` metric selectors. Runtime-neutral (bundled into the k6
 * scripts too), so it depends on nothing but the typed error.
 */
import { GoliveError } from '../src/core/errors.js';
import type { MetricType } from '../src/core/metrics.js';
import type { PhaseName } from '../src/core/result.js';

export type Operator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export type Aggregation =
  | { kind: 'avg' | 'min' | 'med' | 'max' | 'rate' | 'count' | 'value' }
  | { kind: 'p'; percentile: number };

export interface ParsedThreshold {
  /** the expression as written */
  source: string;
  aggregation: Aggregation;
  /** k6's name for the aggregation, e.g. `p(95)`, as MetricSource.value expects */
  aggName: string;
  operator: Operator;
  value: number;
  /**
   * golive's extension `... over 10s`: the expression must hold in EVERY
   * sliding window of this many seconds (one second apart) of the samples,
   * not only over the whole run. Absent for plain k6 thresholds.
   */
  windowSeconds?: number;
}

/** k6's object form of a threshold; `abortOnFail` stops the run early in k6. */
export interface ThresholdObject {
  threshold: string;
  abortOnFail?: boolean;
  delayAbortEval?: string;
}
export type ThresholdInput = string | ThresholdObject;

export interface NormalizedThreshold {
  expression: string;
  abortOnFail: boolean;
  delayAbortEval?: string;
}

export function normalizeThreshold(input: ThresholdInput): NormalizedThreshold {
  if (typeof input === 'string') return { expression: input, abortOnFail: false };
  const out: NormalizedThreshold = { expression: input.threshold, abortOnFail: input.abortOnFail === true };
  if (input.delayAbortEval !== undefined) out.delayAbortEval = input.delayAbortEval;
  return out;
}

const EXPECTED = 'expected <aggregation><operator><number>, e.g. p(95)<500';
const SHAPE = /^\s*([A-Za-z][A-Za-z0-9_]*\s*(?:\([^)]*\))?)\s*(===|==|!=|<=|>=|<|>)\s*(.*?)\s*$/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const SIMPLE = ['avg', 'min', 'med', 'max', 'rate', 'count', 'value'] as const;

function invalid(expr: string, what: string): GoliveError {
  return new GoliveError('GOLIVE_INVALID_CONFIG', `threshold ${JSON.stringify(expr)}: ${what}`);
}

function parseAggregation(expr: string, raw: string): Aggregation {
  const name = raw.replace(/\s+/g, '');
  if ((SIMPLE as readonly string[]).includes(name)) return { kind: name as (typeof SIMPLE)[number] };
  const p = /^p\((.*)\)$/.exec(name);
  if (p) {
    const n = p[1] ?? '';
    if (!NUMBER.test(n) || Number(n) < 0 || Number(n) > 100) {
      throw invalid(expr, `percentile must be a number from 0 to 100, e.g. p(95), got p(${n})`);
    }
    return { kind: 'p', percentile: Number(n) };
  }
  throw invalid(expr, `unknown aggregation "${name}", expected one of avg min med max p(N) rate count value`);
}

export function aggregationName(a: Aggregation): string {
  return a.kind === 'p' ? `p(${a.percentile})` : a.kind;
}

const OVER = /^(.*?)\s+over\s+(\S*)\s*$/s;
const WINDOW = /^(\d+)(s|m|h)$/;
const MAX_WINDOW_SECONDS = 3600;

/** `10s`, `1m`, `1h` -> seconds; windows are whole seconds (the timeline's resolution). */
function parseWindow(expr: string, text: string): number {
  const m = WINDOW.exec(text);
  const n = m ? Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_WINDOW_SECONDS) {
    throw invalid(expr, `window must be whole seconds, minutes or hours from 1s to 1h, e.g. "p(95)<500 over 10s", got "over ${text}"`);
  }
  return n;
}

/** True for golive's windowed form, which k6 itself does not parse (the k6 scripts leave it out). */
export function isWindowedThreshold(expr: string): boolean {
  return OVER.test(expr);
}

export function parseThreshold(expr: string): ParsedThreshold {
  const over = OVER.exec(expr);
  if (over) {
    const inner = parseThreshold(over[1] ?? '');
    return { ...inner, source: expr, windowSeconds: parseWindow(expr, over[2] ?? '') };
  }
  const m = SHAPE.exec(expr);
  if (!m) throw invalid(expr, EXPECTED);
  const [, rawAgg = '', op = '', rawNum = ''] = m;
  const aggregation = parseAggregation(expr, rawAgg);
  if (!NUMBER.test(rawNum)) {
    const got = rawNum === '' ? 'nothing' : JSON.stringify(rawNum);
    throw invalid(expr, `${EXPECTED} (got ${got} after "${op}")`);
  }
  return { source: expr, aggregation, aggName: aggregationName(aggregation), operator: op as Operator, value: Number(rawNum) };
}

/** Which aggregations k6 allows on each metric type. */
export const AGGREGATIONS_BY_TYPE: Readonly<Record<MetricType, readonly Aggregation['kind'][]>> = {
  trend: ['avg', 'min', 'med', 'max', 'p'],
  rate: ['rate'],
  counter: ['count', 'rate'],
  gauge: ['value'],
};

/** Throws a config error naming the metric when the aggregation does not fit its type. */
export function validateFor(parsed: ParsedThreshold, type: MetricType, metric?: string): void {
  const allowed = AGGREGATIONS_BY_TYPE[type];
  if (allowed.includes(parsed.aggregation.kind)) return;
  const names = allowed.map((k) => (k === 'p' ? 'p(N)' : k)).join(' ');
  const where = metric === undefined ? '' : ` on ${metric}`;
  throw invalid(parsed.source, `${parsed.aggName} does not apply${where} (a ${type}); expected one of ${names}`);
}

export function compare(actual: number, op: Operator, wanted: number): boolean {
  switch (op) {
    case '<': return actual < wanted;
    case '<=': return actual <= wanted;
    case '>': return actual > wanted;
    case '>=': return actual >= wanted;
    case '==':
    case '===': return actual === wanted;
    case '!=': return actual !== wanted;
  }
}

export interface MetricSelector {
  name: string;
  tags: Record<string, string>;
}

const SELECTOR = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\{(.*)\})?\s*$/s;
const SELECTOR_EXPECTED = 'expected name or name{tag:value,...}, e.g. http_req_duration{phase:load}';

/** `name{k:v,k2:v 2}`: commas separate tags, the first colon splits key from value, spaces in values kept. */
export function parseMetricSelector(sel: string): MetricSelector {
  const bad = (what: string): GoliveError =>
    new GoliveError('GOLIVE_INVALID_CONFIG', `threshold metric ${JSON.stringify(sel)}: ${what}`);
  const m = SELECTOR.exec(sel);
  if (!m) throw bad(SELECTOR_EXPECTED);
  const [, name = '', body] = m;
  const tags: Record<string, string> = {};
  if (body === undefined) return { name, tags };
  if (body.trim() === '') throw bad(`empty tag list; ${SELECTOR_EXPECTED}`);
  for (const part of body.split(',')) {
    const colon = part.indexOf(':');
    const key = colon < 0 ? '' : part.slice(0, colon).trim();
    const value = colon < 0 ? '' : part.slice(colon + 1).trim();
    if (key === '' || value === '') throw bad(`tag ${JSON.stringify(part.trim())} is not key:value; ${SELECTOR_EXPECTED}`);
    if (key in tags) throw bad(`tag "${key}" given twice`);
    tags[key] = value;
  }
  return { name, tags };
}

/** Canonical text of a selector (tags sorted), for matching keys written differently. */
export function formatMetricSelector(sel: MetricSelector): string {
  const keys = Object.keys(sel.tags).sort();
  if (keys.length === 0) return sel.name;
  return `${sel.name}{${keys.map((k) => `${k}:${sel.tags[k]}`).join(',')}}`;
}

/**
 * The phase a selector is tagged with: `x{phase:load}` -> 'load'. Undefined
 * when untagged or not a selector at all (the evaluator reports that one with
 * its text). The one reading of a selector's phase, for engines and reporters.
 */
export function selectorPhase(sel: string): string | undefined {
  try {
    return parseMetricSelector(sel).tags['phase'];
  } catch {
    return undefined;
  }
}

/** A judged threshold's phase: the evaluator's, else its selector's tag (results from older reports). */
export function thresholdPhase(t: { phase?: PhaseName | undefined; metric: string }): PhaseName | undefined {
  return t.phase ?? (selectorPhase(t.metric) as PhaseName | undefined);
}

export function canonicalSelector(sel: string): string {
  return formatMetricSelector(parseMetricSelector(sel));
}
