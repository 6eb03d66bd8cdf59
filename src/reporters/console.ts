/**
 * The console table printed on stdout at the end of a run. Pure: RunResult in,
 * string out; colour only when asked, so piped output stays plain.
 */
import { redactUrls } from '../core/redact.js';
import type { EdgeCheckStatus } from '../core/edge-report.js';
import type { PhaseStatus, RunResult, Verdict } from '../core/result.js';
import { GOLIVE_SIDE, failedRequests } from './failed-requests.js';
import { loadFigures } from './latency.js';
import {
  STATUS_MARK, VERDICT_LABEL, displayTarget, fmtDuration, fmtMs, fmtNumber, fmtPercent,
  removeControlChars,
} from './text.js';

export interface ConsoleOptions {
  color: boolean;
  /** terminal columns; long lines are cut to fit */
  width?: number;
}

type Tone = 'ok' | 'bad' | 'warn' | 'dim' | 'bold';
const SGR: Readonly<Record<Tone, string>> = { ok: '32', bad: '31', warn: '33', dim: '2', bold: '1' };

const STATUS_TONE: Readonly<Record<PhaseStatus, Tone>> = {
  passed: 'ok', failed: 'bad', skipped: 'warn', error: 'bad', aborted: 'bad',
};
const VERDICT_TONE: Readonly<Record<Verdict, Tone>> = {
  passed: 'ok', failed: 'bad', aborted: 'warn', error: 'bad',
};

const EDGE_TONE: Readonly<Record<EdgeCheckStatus, Tone>> = { passed: 'ok', warned: 'warn', failed: 'bad', skipped: 'warn' };
const EDGE_MARK: Readonly<Record<EdgeCheckStatus, string>> = { passed: '✓', warned: '!', failed: '✗', skipped: '-' };

/** A cell: plain text plus an optional tone, so widths are measured without escapes. */
interface Cell { text: string; tone?: Tone }

function clean(text: string): string {
  // Terminal escapes in a check name or reason must not repaint the user's screen.
  return removeControlChars(redactUrls(text)).replace(/[\u001B\u007F-\u009F\r\n\t]/g, ' ');
}

function widthOf(text: string): number {
  return [...text].length;
}

function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

export function renderConsole(result: RunResult, opts: ConsoleOptions): string {
  const width = Math.max(40, opts.width ?? 120);
  const paint = (c: Cell): string =>
    opts.color && c.tone && c.text ? `\u001B[${SGR[c.tone]}m${c.text}\u001B[0m` : c.text;
  const line = (...cells: Cell[]): string => {
    // Cut the row as a whole, then colour the parts that survived.
    let room = width;
    const out: string[] = [];
    for (const cell of cells) {
      if (room <= 0) break;
      const text = cut(cell.text, room);
      room -= widthOf(text);
      out.push(paint({ text, ...(cell.tone ? { tone: cell.tone } : {}) }));
    }
    return out.join('').trimEnd();
  };
  const table = (rows: Cell[][], indent = '  '): string[] => {
    const cols = Math.max(0, ...rows.map((r) => r.length));
    const widths = Array.from({ length: cols }, (_, i) =>
      Math.max(0, ...rows.map((r) => (i < r.length - 1 ? widthOf(r[i]?.text ?? '') : 0))));
    return rows.map((r) => line({ text: indent }, ...r.map((c, i) =>
      ({ ...c, text: i < r.length - 1 ? c.text.padEnd((widths[i] ?? 0) + 2) : c.text }))));
  };

  const g = result.golive;
  const out: string[] = [];
  out.push(line(
    { text: `golive ${VERDICT_LABEL[g.verdict]}`, tone: VERDICT_TONE[g.verdict] },
    { text: `  target ${clean(displayTarget(result))}  engine ${g.engine}  duration ${fmtDuration(g.durationMs)}` },
    { text: g.environment ? `  env ${clean(g.environment)}` : '' },
    { text: `  testid ${clean(g.testid)}`, tone: 'dim' },
  ));
  if (g.error) out.push(line({ text: `${g.verdict}: `, tone: 'bad' }, { text: clean(g.error) }));

  if (g.rollback.triggered) {
    const why = g.rollback.reasons.length ? g.rollback.reasons.map(clean).join('; ') : 'see thresholds';
    out.push('', line({ text: `ROLLBACK TRIGGER: ${why}`, tone: 'bad' }));
  }

  out.push('', line({ text: 'Phases', tone: 'bold' }));
  out.push(...table(g.phases.map((p) => [
    { text: STATUS_MARK[p.status], tone: STATUS_TONE[p.status] },
    { text: p.name },
    { text: p.status, tone: STATUS_TONE[p.status] },
    { text: p.status === 'skipped' ? '' : fmtDuration(p.durationMs), tone: 'dim' },
    { text: p.reason ? clean(p.reason) : '' },
  ])));

  if (g.edge) {
    out.push('', line({ text: `Edge (${clean(g.edge.host)}${g.edge.ranIn ? `, ${clean(g.edge.ranIn)}` : ''})`, tone: 'bold' }));
    out.push(...table(g.edge.checks.map((c) => [
      { text: EDGE_MARK[c.status], tone: EDGE_TONE[c.status] },
      { text: c.name },
      { text: c.status, tone: EDGE_TONE[c.status] },
      { text: clean(c.detail) },
    ])));
  }

  if (g.checks.length) {
    out.push('', line({ text: 'Checks', tone: 'bold' }));
    out.push(...table(g.checks.map((c) => {
      const ok = c.fails === 0;
      return [
        { text: ok ? '✓' : '✗', tone: ok ? 'ok' : 'bad' },
        { text: c.phase, tone: 'dim' },
        { text: clean(c.name) },
        { text: `${c.passes} passed, ${c.fails} failed`, ...(ok ? {} : { tone: 'bad' as const }) },
        { text: ok ? '' : clean(c.reasons[0] ?? 'failed') },
      ];
    })));
  }

  if (g.thresholds.length) {
    out.push('', line({ text: 'Thresholds', tone: 'bold' }));
    out.push(...table(g.thresholds.map((t) => [
      { text: t.ok ? '✓' : '✗', tone: t.ok ? 'ok' : 'bad' },
      { text: clean(t.metric) },
      { text: clean(t.expression) },
      { text: clean(t.message), ...(t.ok ? {} : { tone: 'bad' as const }) },
    ])));
  }

  const load = loadFigures(result);
  if (load) {
    const d = load.duration;
    out.push('', line({ text: 'Load', tone: 'bold' }));
    out.push(...table([
      [{ text: 'http_reqs' }, { text: `${fmtNumber(load.requests)}  ${fmtNumber(load.perSecond, 1)}/s` }],
      [{ text: 'http_req_duration' }, {
        text: ['avg', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'].map((k) => `${k}=${fmtMs(d[k])}`).join('  '),
      }],
      [{ text: 'http_req_failed' }, {
        text: `${fmtPercent(load.failedRate)}${load.failedCount !== undefined && load.requests !== undefined ? `  (${fmtNumber(load.failedCount)} of ${fmtNumber(load.requests)})` : ''}`,
        ...(load.failedCount ? { tone: 'bad' as const } : {}),
      }],
    ]));
  }

  if (g.stages?.length) {
    out.push('', line({ text: 'Stages', tone: 'bold' }));
    out.push(...table(g.stages.map((st) => {
      const ok = st.thresholds.failed === 0;
      const rate = st.targetRate.from === st.targetRate.to ? `${fmtNumber(st.targetRate.to, 1)}/s` : `${fmtNumber(st.targetRate.from, 1)}->${fmtNumber(st.targetRate.to, 1)}/s`;
      return [
        { text: ok ? '✓' : '✗', tone: ok ? 'ok' : 'bad' },
        { text: clean(st.name) },
        { text: `target ${rate}` },
        { text: `achieved ${fmtNumber(st.achievedRate, 1)}/s` },
        { text: `${fmtNumber(st.requests)} req` },
        { text: `p(95)=${fmtMs(st.p95)}`, ...(ok ? {} : { tone: 'bad' as const }) },
        { text: `p(99)=${fmtMs(st.p99)}` },
        { text: `failed ${fmtPercent(st.failedRate)}` },
        { text: st.dropped > 0 ? `dropped ${fmtNumber(st.dropped)}` : '', tone: 'dim' },
      ];
    })));
  }

  const failed = failedRequests(result);
  if (failed.length) {
    out.push('', line({ text: 'Failed requests by cause', tone: 'bold' }));
    out.push(...table(failed.map((f) => [
      { text: f.phase, tone: 'dim' },
      { text: clean(f.cause), tone: 'bad' },
      { text: String(f.count) },
      { text: f.side === 'golive' ? GOLIVE_SIDE : '' },
    ])));
  }

  const failedDeliveries = g.deliveries.filter((d) => !d.ok);
  if (failedDeliveries.length) {
    out.push('', line({ text: 'Delivery failures', tone: 'bold' }));
    out.push(...table(failedDeliveries.map((d) => [
      { text: '✗', tone: 'bad' },
      { text: d.sink },
      { text: `after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}` },
      { text: clean(d.error ?? 'failed') },
    ])));
  }

  if (g.notes?.length) {
    out.push('', line({ text: 'Notes', tone: 'bold' }));
    out.push(...g.notes.map((n) => line({ text: `  ${clean(n)}` })));
  }

  out.push('', line({ text: `verdict: ${g.verdict} (exit ${g.exitCode})`, tone: VERDICT_TONE[g.verdict] }));
  return `${out.join('\n')}\n`;
}
