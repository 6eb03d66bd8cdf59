/**
 * The per-stage table (staged workloads), one row of plain cells per stage,
 * shared by the console, report.html and the Markdown summary so the three
 * show the same columns. Pure.
 */
import type { StageRow } from '../core/result.js';
import { fmtMs, fmtNumber, fmtPercent } from './text.js';

export const STAGE_HEAD = ['result', 'stage', 'target', 'achieved', 'requests', 'p(95)', 'p(99)', 'failed', 'dropped'] as const;

export function stageOk(st: StageRow): boolean {
  return st.thresholds.failed === 0;
}

export function stageTarget(st: StageRow): string {
  const { from, to } = st.targetRate;
  return from === to ? `${fmtNumber(to, 1)}/s` : `${fmtNumber(from, 1)}->${fmtNumber(to, 1)}/s`;
}

/** The cells of STAGE_HEAD for one stage. */
export function stageCells(st: StageRow): string[] {
  return [
    stageOk(st) ? '✓' : '✗', st.name, stageTarget(st), `${fmtNumber(st.achievedRate, 1)}/s`, fmtNumber(st.requests),
    fmtMs(st.p95), fmtMs(st.p99), fmtPercent(st.failedRate), fmtNumber(st.dropped),
  ];
}
