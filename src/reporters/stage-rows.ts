/**
 * Asked against done, in plain cells: the load phase's line (every model) and
 * the per-stage table (staged workloads), shared by the console, report.html,
 * the Markdown summary and junit.xml so all four say the same. Pure.
 */
import { LOAD_MAX_DROPPED_SHARE } from '../../thresholds/index.js';
import type { LoadAccount, StageRow } from '../core/result.js';
import { fmtDuration, fmtMs, fmtNumber, fmtPercent } from './text.js';

export const STAGE_HEAD = [
  'result', 'stage', 'asked', 'achieved', 'sent', 'p(95)', 'p(99)', 'failed', 'dropped: max-in-flight full', 'dropped: golive late',
] as const;

/** The load line's labels, in order (the console's and report.html's rows, the Markdown table's head). */
export const LOAD_HEAD = ['asked', 'achieved', 'sent', 'dropped: max-in-flight full', 'dropped: golive late'] as const;

const rate = (n: number): string => `${fmtNumber(n, 1)}/s`;
const int = (n: number): string => Math.round(n).toLocaleString('en-US');

export function stageOk(st: StageRow): boolean {
  return st.thresholds.failed === 0;
}

export function stageTarget(st: StageRow): string {
  const { from, to } = st.targetRate;
  return from === to ? rate(to) : `${fmtNumber(from, 1)}->${rate(to)}`;
}

/** Fewer sent than the default drop threshold allows: what was asked was not done. */
export function short(sent: number, scheduled: number): boolean {
  return scheduled > 0 && sent < (1 - LOAD_MAX_DROPPED_SHARE) * scheduled;
}

/** "-" where the engine does not count golive's late drops (k6) */
const lateCell = (late: number | undefined): string => (late === undefined ? '-' : int(late));

/** The cells of STAGE_HEAD for one stage. */
export function stageCells(st: StageRow): string[] {
  return [
    stageOk(st) ? '✓' : '✗', st.name, stageTarget(st), rate(st.achievedRate), `${int(st.requests)} of ${int(st.scheduled)}`,
    fmtMs(st.p95), fmtMs(st.p99), fmtPercent(st.failedRate), int(st.dropped), lateCell(st.droppedLate),
  ];
}

function askedText(a: LoadAccount): string {
  if (a.model === 'closed') return `${int(a.scheduled)} requests, ${int(a.concurrency ?? 0)} concurrent`;
  const cap = a.maxInFlight !== undefined ? `, at most ${int(a.maxInFlight)} in flight` : '';
  const how = a.model === 'staged' ? ' on average' : '';
  return `${rate(a.askedRate ?? 0)}${how} for ${fmtDuration(a.durationSeconds * 1000)} (${int(a.scheduled)} arrivals${cap})`;
}

/** The cells of LOAD_HEAD for the load phase. */
export function loadCells(a: LoadAccount): string[] {
  const unsent = a.notReleased > 0 ? `, ${int(a.notReleased)} not released` : '';
  return [
    askedText(a),
    a.model === 'closed' ? rate(a.achievedRate) : `${rate(a.achievedRate)} of ${rate(a.askedRate ?? 0)} asked`,
    `${int(a.sent)} of ${int(a.scheduled)}${unsent}`,
    int(a.droppedMaxInFlight),
    lateCell(a.droppedLate),
  ];
}

export interface LoadRow {
  label: (typeof LOAD_HEAD)[number];
  text: string;
  /** the load fell short of what was asked and this cell shows it (the rate, the counts; not what was asked, not a 0) */
  bad: boolean;
}

/** LOAD_HEAD with the load phase's cells, each marked where a shortfall shows. */
export function loadRows(a: LoadAccount): LoadRow[] {
  const lacking = short(a.sent, a.scheduled);
  const cells = loadCells(a);
  // The closed model sends every request it is asked for in turn: it has no arrival to drop.
  const head = a.model === 'closed' ? LOAD_HEAD.slice(0, 3) : LOAD_HEAD;
  return head.map((label, i) => {
    const text = cells[i] ?? '';
    return { label, text, bad: lacking && i > 0 && text !== '0' && text !== '-' };
  });
}

/** One line for junit.xml's system-out: the load cells with their labels. */
export function loadLine(a: LoadAccount): string {
  return loadRows(a).map((r) => `${r.label} ${r.text}`).join('; ');
}

const round1 = (n: number): number => Math.round(n * 10) / 10;
type Property = [string, number];

/** The load's asked and done by name (junit.xml testsuite properties, for CI tools that read them). */
export function loadProperties(a: LoadAccount): Property[] {
  return [
    ...(a.askedRate !== undefined ? [['asked_rate', round1(a.askedRate)] as Property] : []),
    ...(a.concurrency !== undefined ? [['asked_concurrency', a.concurrency] as Property] : []),
    ['achieved_rate', round1(a.achievedRate)], ['scheduled', a.scheduled], ['sent', a.sent],
    ['dropped_max_in_flight', a.droppedMaxInFlight],
    ...(a.droppedLate !== undefined ? [['dropped_golive_late', a.droppedLate] as Property] : []),
    ['not_released', a.notReleased],
  ];
}

/** The same for one stage. */
export function stageProperties(st: StageRow): Property[] {
  return [
    ['asked_rate_from', st.targetRate.from], ['asked_rate_to', st.targetRate.to], ['achieved_rate', round1(st.achievedRate)],
    ['scheduled', st.scheduled], ['sent', st.requests], ['dropped_max_in_flight', st.dropped],
    ...(st.droppedLate !== undefined ? [['dropped_golive_late', st.droppedLate] as Property] : []),
  ];
}
