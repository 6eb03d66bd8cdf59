/**
 * The console table printed on stdout at the end of a run. Pure: RunResult in,
 * string out; colour only when asked, so piped output stays plain. One
 * function per section, in print order (as html.ts does).
 */
import { TREND_STATS } from '../core/metrics.js';
import type { EdgeCheckStatus } from '../core/edge-report.js';
import type { PhaseStatus, RunResult, Verdict } from '../core/result.js';
import { clean, printer, type Cell, type Printer, type Tone } from './console-layout.js';
import { GOLIVE_SIDE, failedRequests, staleRetriesLine } from './failed-requests.js';
import { loadFigures } from './latency.js';
import { STAGE_HEAD, loadRows, short, stageCells, stageOk } from './stage-rows.js';
import { checkRows, edgeDetail, notJudged, phaseRows, rollbackLine, thresholdLine, verdictScope, NOT_RUN_LABEL, type CheckState } from './check-view.js';
import {
  STATUS_MARK, VERDICT_LABEL, displayTarget, fmtDuration, fmtMs, fmtNumber, fmtPercent, thresholdState,
} from './text.js';

export interface ConsoleOptions {
  color: boolean;
  /** terminal columns; long lines are cut to fit (unless `wrap`) */
  width?: number;
  /** wrap long lines instead of cutting them: off a TTY (a CI log, a pipe) and under --wide */
  wrap?: boolean;
}

const STATUS_TONE: Readonly<Record<PhaseStatus, Tone>> = {
  passed: 'ok', failed: 'bad', skipped: 'warn', error: 'bad', aborted: 'bad',
};
const VERDICT_TONE: Readonly<Record<Verdict, Tone>> = {
  passed: 'ok', failed: 'bad', aborted: 'warn', error: 'bad',
};

const EDGE_TONE: Readonly<Record<EdgeCheckStatus, Tone>> = { passed: 'ok', warned: 'warn', failed: 'bad', skipped: 'warn' };
const EDGE_MARK: Readonly<Record<EdgeCheckStatus, string>> = { passed: '✓', warned: '!', failed: '✗', skipped: '-' };

type Section = (result: RunResult, p: Printer) => string[];

const header: Section = (result, { line }) => {
  const g = result.golive;
  const scope = verdictScope(result);
  const out = [line(
    { text: `golive ${VERDICT_LABEL[g.verdict]}${scope ? ` — ${scope}` : ''}`, tone: VERDICT_TONE[g.verdict] },
    { text: `  target ${clean(displayTarget(result))}  engine ${g.engine}  duration ${fmtDuration(g.durationMs)}` },
    { text: g.environment ? `  env ${clean(g.environment)}` : '' },
    { text: `  testid ${clean(g.testid)}`, tone: 'dim' },
  )];
  if (g.error) out.push(line({ text: `${g.verdict}: `, tone: 'bad' }, { text: clean(g.error) }));
  return out;
};

const rollback: Section = (result, { line }) => {
  if (!result.golive.rollback.triggered) return [];
  return ['', line({ text: `ROLLBACK TRIGGER: ${clean(rollbackLine(result))}`, tone: 'bad' })];
};

const phases: Section = (result, p) => {
  const duration = new Map(result.golive.phases.map((ph) => [ph.name, ph.durationMs]));
  return [
    ...p.heading('Phases'),
    ...p.table(phaseRows(result).map((ph) => [
      { text: STATUS_MARK[ph.status], tone: STATUS_TONE[ph.status] },
      { text: ph.name },
      { text: ph.status === 'skipped' ? NOT_RUN_LABEL : ph.status, tone: STATUS_TONE[ph.status] },
      { text: ph.status === 'skipped' ? '' : fmtDuration(duration.get(ph.name) ?? 0), tone: 'dim' },
      { text: clean(ph.reason) },
    ])),
  ];
};

const edge: Section = (result, p) => {
  const g = result.golive;
  if (!g.edge) return [];
  return [
    ...p.heading(`Edge (${clean(g.edge.host)}${g.edge.ranIn ? `, ${clean(g.edge.ranIn)}` : ''})`),
    ...p.table(g.edge.checks.map((c) => [
      { text: EDGE_MARK[c.status], tone: EDGE_TONE[c.status] },
      { text: c.name },
      { text: c.status, tone: EDGE_TONE[c.status] },
      { text: clean(c.status === 'failed' ? edgeDetail(result, c.detail) : c.detail) },
    ])),
  ];
};

const CHECK_MARK: Readonly<Record<CheckState, Cell>> = {
  passed: { text: '✓', tone: 'ok' }, degraded: { text: '!', tone: 'warn' }, failed: { text: '✗', tone: 'bad' },
  'not-run': { text: '-', tone: 'dim' }, 'same-cause': { text: '·', tone: 'dim' },
};

const checks: Section = (result, p) => {
  // The edge checks have their own section with the measured values.
  const rows = checkRows(result).filter((c) => !(result.golive.edge && c.phase === 'edge'));
  if (!rows.length) return [];
  return [...p.heading('Checks'), ...p.table(rows.map((c) => [
    CHECK_MARK[c.state],
    { text: c.phase, tone: 'dim' },
    { text: clean(c.name) },
    c.state === 'not-run' ? { text: NOT_RUN_LABEL, tone: 'dim' } : {
      text: `${c.passes} passed, ${c.fails} failed${c.state === 'degraded' ? `, ${c.degraded} degraded` : ''}`,
      ...(c.state === 'failed' ? { tone: 'bad' as const } : c.state === 'degraded' ? { tone: 'warn' as const } : {}),
    },
    { text: clean(c.line), ...(c.state === 'failed' ? {} : { tone: 'dim' as const }) },
  ]))];
};

const thresholds: Section = (result, p) => {
  const g = result.golive;
  const skipped = notJudged(result);
  if (!g.thresholds.length && !skipped.length) return [];
  const rows = checkRows(result);
  return [...p.heading('Thresholds'), ...p.table([
    ...g.thresholds.map((t): Cell[] => {
      const s = thresholdState(t);
      const tone = s.state === 'passed' ? 'ok' as const : s.state === 'voided' ? 'warn' as const : 'bad' as const;
      return [
        { text: s.mark, tone },
        { text: clean(t.metric) },
        { text: clean(t.expression) },
        { text: clean(thresholdLine(result, t, rows)), ...(t.ok ? {} : { tone }) },
      ];
    }),
    ...skipped.map((n): Cell[] => [
      { text: '-', tone: 'dim' }, { text: clean(n.selector), tone: 'dim' }, { text: '' }, { text: `not judged: ${n.why}`, tone: 'dim' },
    ]),
  ])];
};

/** Asked against done first: a pass on load that was never sent must not read as fine. */
function accountRows(result: RunResult): Cell[][] {
  const a = result.golive.load;
  return a ? loadRows(a).map((r) => [{ text: r.label }, { text: r.text, ...(r.bad ? { tone: 'bad' as const } : {}) }]) : [];
}

const load: Section = (result, p) => {
  const l = loadFigures(result);
  const account = accountRows(result);
  if (!l) return account.length ? [...p.heading('Load'), ...p.table(account)] : [];
  const d = l.duration;
  // Two tables: the account's longer labels must not push the trend stats past the width.
  return [...p.heading('Load'), ...p.table(account), ...p.table([
    [{ text: 'http_reqs' }, { text: `${fmtNumber(l.requests)}  ${fmtNumber(l.perSecond, 1)}/s` }],
    // The summary's trend stats, in k6's order.
    [{ text: 'http_req_duration' }, { text: TREND_STATS.map((k) => `${k}=${fmtMs(d[k])}`).join('  ') }],
    [{ text: 'http_req_failed' }, {
      text: `${fmtPercent(l.failedRate)}${l.failedCount !== undefined && l.requests !== undefined ? `  (${fmtNumber(l.failedCount)} of ${fmtNumber(l.requests)})` : ''}`,
      ...(l.failedCount ? { tone: 'bad' as const } : {}),
    }],
  ])];
};

const retries: Section = (result, p) => {
  const line = staleRetriesLine(result);
  return line ? ['', p.line({ text: line, tone: 'dim' })] : [];
};

const stages: Section = ({ golive: g }, p) => {
  if (!g.stages?.length) return [];
  // The table's cells, each labelled by its column (the console has no header row).
  return [...p.heading('Stages'), ...p.table(g.stages.map((st) => {
    const ok = stageOk(st);
    const cells = stageCells(st);
    const lacking = short(st.requests, st.scheduled);
    return cells.map((text, i): Cell => {
      if (i === 0) return { text, tone: ok ? 'ok' : 'bad' };
      if (i === 1) return { text: clean(text) };
      const label = `${STAGE_HEAD[i] ?? ''} ${text}`;
      const bad = (i === 5 && !ok) || (lacking && (i === 3 || i === 4));
      return { text: label, ...(bad ? { tone: 'bad' as const } : i >= 8 ? { tone: 'dim' as const } : {}) };
    });
  }))];
};

const failedByCause: Section = (result, p) => {
  // A functional phase's failed requests are its failed checks, said there once.
  const withChecks = new Set(result.golive.checks.map((c) => c.phase));
  const failed = failedRequests(result).filter((f) => !withChecks.has(f.phase));
  if (!failed.length) return [];
  return [...p.heading('Failed requests by cause'), ...p.table(failed.map((f) => [
    { text: f.phase, tone: 'dim' },
    { text: clean(f.cause), tone: 'bad' },
    { text: String(f.count) },
    { text: f.side === 'golive' ? GOLIVE_SIDE : '' },
  ]))];
};

const deliveries: Section = ({ golive: g }, p) => {
  const failed = g.deliveries.filter((d) => !d.ok);
  if (!failed.length) return [];
  return [...p.heading('Delivery failures'), ...p.table(failed.map((d) => [
    { text: '✗', tone: 'bad' },
    { text: d.sink },
    { text: `after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}` },
    { text: clean(d.error ?? 'failed') },
  ]))];
};

const notes: Section = ({ golive: g }, p) => {
  if (!g.notes?.length) return [];
  return [...p.heading('Notes'), ...g.notes.map((n) => p.line({ text: '  ' }, { text: clean(n) }))];
};

const verdict: Section = ({ golive: g }, { line }) =>
  ['', line({ text: `verdict: ${g.verdict} (exit ${g.exitCode})`, tone: VERDICT_TONE[g.verdict] })];

/** The sections in print order. */
const SECTIONS: readonly Section[] = [header, rollback, phases, edge, checks, thresholds, load, retries, stages, failedByCause, deliveries, notes, verdict];

export function renderConsole(result: RunResult, opts: ConsoleOptions): string {
  const p = printer(opts);
  return `${SECTIONS.flatMap((section) => section(result, p)).join('\n')}\n`;
}
