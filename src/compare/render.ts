/** The comparison as a plain-text table for the terminal. Pure. */
import type { BaselineComparison } from '../core/result.js';
import { removeControlChars } from '../reporters/text.js';
import { fmt } from './compare.js';

const clean = (s: string): string => removeControlChars(s).replace(/[\u001B\u007F-\u009F\r\n\t]/g, ' ');

export function renderComparison(c: BaselineComparison, currentRunId: string): string {
  const head = ['phase', 'endpoint', 'metric', 'baseline', 'this run', 'change', 'limit', ''];
  const rows = c.rows.map((r) => [
    r.phase, r.endpoint, r.metric, fmt(r.metric, r.base), fmt(r.metric, r.current), r.change ?? '-',
    r.limit ?? '', r.regressed ? 'REGRESSED' : r.note ?? (r.limit ? 'ok' : ''),
  ].map(clean));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((x, i) => x.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const regressed = c.rows.filter((r) => r.regressed);
  return [
    clean(`baseline ${c.baseline.runId} (${c.baseline.startedAt}) vs ${currentRunId}`),
    '',
    line(head),
    ...rows.map(line),
    '',
    ...(regressed.length
      ? regressed.map((r) => clean(`regression: ${r.phase}${r.endpoint === '*' ? '' : ` ${r.endpoint}`} ${r.metric} ${r.change ?? ''} (limit ${r.limit ?? ''})`))
      : [c.limits.length ? `no regression beyond ${c.limits.join(', ')}` : 'no limits given (--max-regression): report only']),
    '',
  ].join('\n');
}
