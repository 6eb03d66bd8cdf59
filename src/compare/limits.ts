/**
 * `--max-regression 'p(95)=+10%,http_req_failed=+0.5pp,http_reqs=-5%'`: how
 * much worse than the baseline a run may be. Pure; a bad spec is one line
 * naming the flag and what was expected (exit 104).
 */
import { GoliveError } from '../core/errors.js';

/** Latency percentiles of http_req_duration, the failure rate, and throughput. */
export type CompareMetric = string;

export interface RegressionLimit {
  /** `p(95)`, `med`, `avg`, `max`, `http_req_failed` or `http_reqs` */
  metric: CompareMetric;
  /** %: relative to the baseline; ms: absolute latency; pp: percentage points of a rate */
  unit: '%' | 'ms' | 'pp';
  amount: number;
  /** as written, for reports */
  text: string;
}

const LATENCY = /^(p\((\d+(?:\.\d+)?)\)|med|avg|max|min)$/;

export function isLatencyMetric(m: string): boolean {
  return LATENCY.test(m);
}

function bad(flag: string, msg: string): GoliveError {
  return new GoliveError('GOLIVE_USAGE', `${flag}: ${msg}`);
}

export function parseRegressionLimits(spec: string, flag = '--max-regression'): RegressionLimit[] {
  const out: RegressionLimit[] = [];
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^=]+)=\s*([+-]?)(\d+(?:\.\d+)?)\s*(%|ms|pp)$/.exec(part);
    if (!m) throw bad(flag, `expected METRIC=+N% | +Nms | +Npp (e.g. 'p(95)=+10%,http_req_failed=+0.5pp'), got "${part}"`);
    const metric = (m[1] ?? '').trim().replace(/^http_req_duration[.:]/, '');
    const sign = m[2] ?? '';
    const amount = Number(m[3]);
    const unit = m[4] as RegressionLimit['unit'];
    const pct = LATENCY.exec(metric)?.[2];
    if (pct !== undefined && !(Number(pct) >= 0 && Number(pct) <= 100)) throw bad(flag, `${metric}: a percentile between 0 and 100`);
    if (isLatencyMetric(metric)) {
      if (unit === 'pp') throw bad(flag, `${metric}: a latency limit is in % or ms, not pp`);
      if (sign === '-') throw bad(flag, `${metric}: a latency limit is how much slower it may get: write +${amount}${unit}`);
    } else if (metric === 'http_req_failed') {
      if (unit === 'ms') throw bad(flag, 'http_req_failed: a rate limit is in pp (percentage points) or %');
      if (sign === '-') throw bad(flag, `http_req_failed: write +${amount}${unit} (how much the failure rate may rise)`);
    } else if (metric === 'http_reqs') {
      if (unit !== '%') throw bad(flag, 'http_reqs: a throughput limit is in % (how much it may drop, e.g. -10%)');
      if (sign === '+') throw bad(flag, `http_reqs: write -${amount}% (how much throughput may drop)`);
    } else {
      throw bad(flag, `unknown metric "${metric}": expected p(N), med, avg, min, max (http_req_duration), http_req_failed or http_reqs`);
    }
    if (out.some((l) => l.metric === metric)) throw bad(flag, `${metric} is given twice`);
    out.push({ metric, unit, amount, text: `${metric === 'http_reqs' ? '-' : '+'}${amount}${unit}` });
  }
  if (out.length === 0) throw bad(flag, "expected at least one METRIC=LIMIT, e.g. 'p(95)=+10%'");
  return out;
}

/** The limits `golive compare` applies when --max-regression is not given (docs/compare.md). */
export const DEFAULT_REGRESSION = 'p(95)=+10%,http_req_failed=+0.5pp,http_reqs=-20%';

export interface RegressionOption {
  limits: RegressionLimit[];
  /** default: none given, DEFAULT_REGRESSION applied; none: `--max-regression none`, a report only */
  mode: 'default' | 'given' | 'none';
}

/** --max-regression as given: absent applies the defaults, `none` judges nothing. */
export function regressionOption(spec: string | undefined, flag = '--max-regression'): RegressionOption {
  if (spec === undefined) return { limits: parseRegressionLimits(DEFAULT_REGRESSION, flag), mode: 'default' };
  if (spec.trim().toLowerCase() === 'none') return { limits: [], mode: 'none' };
  return { limits: parseRegressionLimits(spec, flag), mode: 'given' };
}
