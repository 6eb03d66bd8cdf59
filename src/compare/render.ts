/** The comparison as a plain-text table for the terminal: ✓/✗ per judged row, the judgement last. Pure. */
import type { BaselineComparison, ComparisonRow } from '../core/result.js';
import { removeControlChars } from '../reporters/text.js';
import { fmt } from './compare.js';
import type { RegressionOption } from './limits.js';

const clean = (s: string): string => removeControlChars(s).replace(/[\u001B\u007F-\u009F\r\n\t]/g, ' ');

/** A limited row of the baseline that this run has nothing to hold against: the comparison cannot pass. */
export function missingJudgedRows(c: BaselineComparison): ComparisonRow[] {
  return c.rows.filter((r) => r.limit !== undefined && r.base !== undefined && r.note === 'not in this run');
}

const where = (r: ComparisonRow): string => `${r.phase}${r.endpoint === '*' ? '' : ` ${r.endpoint}`} ${r.metric}`;

function mark(r: ComparisonRow, missing: ReadonlySet<ComparisonRow>): string {
  if (r.regressed) return '✗ regressed';
  if (missing.has(r)) return '✗ not in this run';
  if (r.note !== undefined) return `not judged: ${r.note}`;
  return r.limit !== undefined ? '✓' : '';
}

function verdictLines(c: BaselineComparison, mode: RegressionOption['mode'], missing: readonly ComparisonRow[]): string[] {
  const regressed = c.rows.filter((r) => r.regressed);
  const lines = [
    ...regressed.map((r) => clean(`regression: ${where(r)} ${r.change ?? ''} (limit ${r.limit ?? ''})`)),
    ...missing.map((r) => clean(`not comparable: the baseline's ${where(r)} (limit ${r.limit ?? ''}) has no counterpart in this run`)),
  ];
  if (lines.length > 0) return lines;
  if (mode === 'none') return ['not judged: --max-regression none, a report only'];
  const judged = c.rows.filter((r) => r.limit !== undefined && r.note === undefined).length;
  if (judged === 0) return [`not judged: no row had enough requests in both runs for ${c.limits.join(', ')}`];
  return [`no regression beyond ${c.limits.join(', ')}${mode === 'default' ? ' (the default limits; --max-regression to set others, none for a report only)' : ''}`];
}

export function renderComparison(c: BaselineComparison, currentRunId: string, mode: RegressionOption['mode'] = 'given'): string {
  const missing = missingJudgedRows(c);
  const missingSet = new Set(missing);
  const head = ['phase', 'endpoint', 'metric', 'baseline', 'this run', 'change', 'limit', ''];
  const rows = c.rows.map((r) => [
    r.phase, r.endpoint, r.metric, fmt(r.metric, r.base), fmt(r.metric, r.current), r.change ?? '-',
    r.limit ?? '', mark(r, missingSet),
  ].map(clean));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((x, i) => x.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [
    clean(`baseline ${c.baseline.runId} (${c.baseline.startedAt}) vs ${currentRunId}`),
    '',
    line(head),
    ...rows.map(line),
    '',
    ...verdictLines(c, mode, missing),
    '',
  ].join('\n');
}
