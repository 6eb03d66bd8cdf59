/**
 * k6's own threshold verdicts, kept beside golive's: golive judges every
 * threshold on its HDR histograms of k6's samples, k6 on its own aggregates.
 * They must agree; where they do not, the note names the threshold, both
 * verdicts and why that is expected when it is (k6 passes a threshold whose
 * metric got no samples; HDR's 3 significant digits can put a percentile a
 * hair either side of a bound).
 */
import type { ThresholdResult } from '../../core/result.js';
import type { K6Summary } from './summary-schema.js';

export interface K6Verdict { metric: string; expression: string; ok: boolean }

/** Pure: the thresholds k6 judged itself (windowed ones are golive's only, k6 never sees them). */
export function k6Verdicts(summary: K6Summary): K6Verdict[] {
  const out: K6Verdict[] = [];
  for (const [metric, m] of Object.entries(summary.metrics)) {
    for (const [expression, t] of Object.entries(m.thresholds ?? {})) out.push({ metric, expression, ok: t.ok });
  }
  return out;
}

/** Pure: one note per threshold where k6 and golive disagree. */
export function verdictDisagreements(k6: readonly K6Verdict[], ours: readonly ThresholdResult[]): string[] {
  const notes: string[] = [];
  for (const v of k6) {
    const mine = ours.find((t) => t.metric === v.metric && t.expression === v.expression);
    if (mine === undefined || mine.ok === v.ok) continue;
    const why = mine.actual === undefined
      ? ' (no samples: k6 passes such a threshold, golive does not)'
      : ` (golive measured ${mine.message})`;
    notes.push(`k6 and golive disagree on ${v.metric} ${v.expression}: k6 ${v.ok ? 'passed' : 'failed'} it, golive ${mine.ok ? 'passed' : 'failed'} it${why}`);
  }
  return notes;
}
