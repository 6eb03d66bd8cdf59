/**
 * `report.html`: one self-contained file (inline CSS, inline SVG, no scripts,
 * fonts or images from anywhere) that can be attached to a CI run or mailed.
 * Ordered for the first questions after a failed gate: what failed, when it
 * went wrong (series over time), how bad (distribution, status codes).
 * Every piece of text from the result is escaped; a CSP forbids scripts even
 * if an escaping bug ever slipped through.
 */
import { GOLIVE_SIDE, failedRequests, staleRetriesLine } from './failed-requests.js';
import type { EdgeCheckStatus, EdgeReport } from '../core/edge-report.js';
import type { PhaseStatus, RunResult, Verdict } from '../core/result.js';
import { distributionChart, latencyOverTime, phaseTimelines, statusCodeChart, throughputOverTime } from './charts.js';
import { loadFigures, p95Limits } from './latency.js';
import { loadRows, stageCells, stageOk, STAGE_HEAD } from './stage-rows.js';
import { checkRows, edgeDetail, notJudged, phaseRows, rollbackLine, thresholdLine, verdictScope, NOT_RUN_LABEL, type CheckState } from './check-view.js';
import { statusCodes, whenItWentWrong } from './report-data.js';
import {
  STATUS_MARK, VERDICT_LABEL, displayTarget, escapeAttr, escapeText, fmtDuration, fmtMs,
  fmtNumber, fmtPercent, thresholdState,
} from './text.js';

const CSS = `
:root{--ok:#188038;--bad:#d93025;--warn:#b06000;--muted:#5f6368;--line:#e8eaed}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#202124;margin:0;padding:24px;max-width:1100px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}h3{font-size:14px;margin:16px 0 6px}
.banner{padding:16px 20px;border-radius:8px;color:#fff}
.banner.passed{background:var(--ok)}.banner.failed,.banner.error{background:var(--bad)}.banner.aborted{background:var(--warn)}
.meta{margin:4px 0 0}
.rollback{margin-top:16px;padding:12px 16px;border:2px solid var(--bad);border-radius:8px;color:var(--bad);font-weight:600}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.passed,.ok{color:var(--ok)}.failed,.bad,.error,.aborted{color:var(--bad)}.skipped{color:var(--warn)}
.banner.passed,.banner.failed,.banner.error,.banner.aborted{color:#fff}
.banner .passed,.banner .failed{color:inherit}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px}
ul.reasons{margin:0;padding-left:18px}
.chart{overflow-x:auto;margin:8px 0}
h3{font-size:14px;margin:18px 0 4px}.muted{color:var(--muted)}
footer{margin-top:32px;color:var(--muted);font-size:12px}
`;

const e = escapeText;

function table(head: readonly string[], rows: readonly string[][], cls?: string): string {
  const th = head.map((h) => `<th>${e(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.join('')}</tr>`).join('\n');
  return `<table${cls ? ` class="${escapeAttr(cls)}"` : ''}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const td = (text: string, cls?: string): string => `<td${cls ? ` class="${escapeAttr(cls)}"` : ''}>${e(text)}</td>`;
const tdHtml = (html: string, cls?: string): string => `<td${cls ? ` class="${escapeAttr(cls)}"` : ''}>${html}</td>`;
const mark = (ok: boolean): string => tdHtml(ok ? '✓' : '✗', ok ? 'ok' : 'bad');

function statusCell(status: PhaseStatus): string {
  return tdHtml(`${STATUS_MARK[status]} ${e(status === 'skipped' ? NOT_RUN_LABEL : status)}`, status);
}

const CHECK_CELL: Readonly<Record<CheckState, [string, string]>> = {
  passed: ['✓', 'ok'], degraded: ['!', 'skipped'], failed: ['✗', 'bad'], 'not-run': ['-', 'muted'], 'same-cause': ['·', 'muted'],
};

function banner(result: RunResult): string {
  const g = result.golive;
  const v: Verdict = g.verdict;
  const meta = [
    `target ${displayTarget(result)}`, `engine ${g.engine}`, `duration ${fmtDuration(g.durationMs)}`,
    ...(g.environment ? [`environment ${g.environment}`] : []), `testid ${g.testid}`, `started ${g.startedAt}`,
  ].join(' · ');
  const scope = verdictScope(result);
  return `<header class="banner ${escapeAttr(v)}"><h1>golive ${e(VERDICT_LABEL[v])} — exit ${e(String(g.exitCode))}${scope ? ` — ${e(scope)}` : ''}</h1>`
    + `<p class="meta">${e(meta)}</p>${g.error ? `<p class="meta">${e(g.error)}</p>` : ''}</header>`;
}

const EDGE_CLASS: Readonly<Record<EdgeCheckStatus, string>> = { passed: 'ok', warned: 'skipped', failed: 'bad', skipped: 'skipped' };

/** The edge checks with their measured values, and the certificate chain as presented. */
function edgeSection(result: RunResult, edge: EdgeReport): string[] {
  const out = [
    `<h2>Edge: ${e(edge.host)}</h2>`,
    ...(edge.ranIn ? [`<p>${e(edge.ranIn)}</p>`] : []),
    table(['check', 'status', 'measured'], edge.checks.map((c) => [
      td(c.name), td(c.status, EDGE_CLASS[c.status]), td(c.status === 'failed' ? edgeDetail(result, c.detail) : c.detail),
    ])),
  ];
  const chain = edge.certificate?.chain ?? [];
  if (chain.length) {
    out.push('<h3>Certificate chain</h3>', table(['role', 'subject', 'issuer', 'not after', 'days left'], chain.map((c) => [
      td(c.role), td(c.subject), td(c.issuer), td(c.notAfter), td(String(c.daysLeft), c.daysLeft < 0 ? 'num bad' : 'num'),
    ])));
  }
  return out;
}

/** Failures first: the reader came to see what broke. */
const failuresFirst = <T>(items: readonly T[], failed: (t: T) => boolean): T[] =>
  [...items.filter(failed), ...items.filter((t) => !failed(t))];

function verdictTables(result: RunResult): string[] {
  const g = result.golive;
  const out: string[] = [];
  const rows = checkRows(result);
  const skipped = notJudged(result);
  if (g.thresholds.length || skipped.length) {
    out.push('<h2>Thresholds</h2>', table(['result', 'metric', 'threshold', 'measured'], [
      ...failuresFirst(g.thresholds, (t) => !t.ok).map((t) => [
        tdHtml(thresholdState(t).mark, t.ok ? 'ok' : t.voided !== undefined ? 'skipped' : 'bad'), tdHtml(`<code>${e(t.metric)}</code>`),
        tdHtml(`<code>${e(t.expression)}</code>`), td(thresholdLine(result, t, rows), t.ok ? '' : t.voided !== undefined ? 'skipped' : 'bad'),
      ]),
      ...skipped.map((n) => [td('-', 'muted'), tdHtml(`<code>${e(n.selector)}</code>`), td(''), td(`not judged: ${n.why}`, 'muted')]),
    ], 'thresholds'));
  }
  if (rows.length) {
    const bad = (r: { state: CheckState }) => r.state === 'failed';
    out.push('<h2>Checks</h2>', table(['result', 'phase', 'check', 'passes', 'fails', 'reason'], failuresFirst(rows, bad).map((c) => {
      const [sign, cls] = CHECK_CELL[c.state];
      return [
        td(sign, cls), td(c.phase), td(c.name),
        td(c.state === 'not-run' ? '' : String(c.passes), 'num'), td(c.state === 'not-run' ? '' : String(c.fails), bad(c) ? 'num bad' : 'num'),
        c.more.length && c.state === 'failed'
          ? tdHtml(`<ul class="reasons">${[c.line, ...c.more].map((r) => `<li>${e(r)}</li>`).join('')}</ul>`)
          : td(c.state === 'not-run' ? `${NOT_RUN_LABEL}: ${c.line}` : c.line, c.state === 'failed' ? '' : 'muted'),
      ];
    }), 'checks'));
  }
  return out;
}

function comparison(g: RunResult['golive']): string[] {
  const b = g.baseline;
  if (!b) return [];
  const fmt = (metric: string, v: number | undefined): string => v === undefined ? '-'
    : metric === 'http_req_failed' ? fmtPercent(v) : metric === 'http_reqs' ? `${fmtNumber(v, 1)}/s` : fmtMs(v);
  return [
    '<h2>Compared with the baseline</h2>',
    `<p class="muted">baseline run ${e(b.baseline.runId)} (${e(b.baseline.startedAt)}, ${e(b.baseline.source)}); limits: ${e(b.limits.join(', ') || 'none (report only)')}</p>`,
    table(['result', 'phase', 'endpoint', 'metric', 'baseline', 'this run', 'change', 'limit'], failuresFirst(b.rows, (r) => r.regressed).map((r) => [
      mark(!r.regressed), td(r.phase), td(r.endpoint), td(r.metric), td(fmt(r.metric, r.base), 'num'), td(fmt(r.metric, r.current), 'num'),
      td(r.change ?? '-', r.regressed ? 'num bad' : 'num'), td(r.note ?? r.limit ?? ''),
    ]), 'comparison'),
  ];
}

function overTime(result: RunResult, baseline?: RunResult): string[] {
  const timelines = phaseTimelines(result);
  const out: string[] = ['<h2>Over time</h2>'];
  if (!timelines.length) {
    out.push(`<p class="muted">${e('no requests were timed in this run')}</p>`);
    return out;
  }
  const base = baseline ? phaseTimelines(baseline) : [];
  const brief = timelines.filter((t) => t.x.length < 2);
  if (brief.length) out.push(`<p class="muted">${e(`${brief.map((t) => t.phase).join(', ')}: shorter than two intervals, no curve to draw (see the distribution)`)}</p>`);
  for (const t of timelines.filter((x) => x.x.length >= 2)) {
    const b = base.find((x) => x.phase === t.phase);
    out.push(`<h3>${e(t.phase)}</h3>`, `<div class="chart">${latencyOverTime(result, t, b)}</div>`, `<div class="chart">${throughputOverTime(t, b)}</div>`);
  }
  return out;
}

function statusSection(result: RunResult): string[] {
  const rows = statusCodes(result);
  if (!rows.length) {
    return ['<h2>Status codes</h2>', `<p class="muted">${e('no responses')}</p>`];
  }
  return ['<h2>Status codes</h2>', `<div class="chart">${statusCodeChart(result)}</div>`,
    table(['phase', 'status', 'requests'], rows.flatMap((r) => r.codes.map(([code, n, expected]) => [
      td(r.phase), td(code === '0' ? 'no response' : `${code}${expected && !(Number(code) >= 200 && Number(code) < 400) ? ' (expected)' : ''}`, expected ? '' : 'bad'), td(String(n), 'num'),
    ])), 'status-codes')];
}

function sections(result: RunResult, baseline?: RunResult): string[] {
  const g = result.golive;
  const out: string[] = [];
  if (g.rollback.triggered) {
    const reasons = g.rollback.reasons.length ? g.rollback.reasons : ['rollback triggered'];
    out.push(`<section class="rollback" role="alert">ROLLBACK TRIGGER: ${e(g.rollback.reasons.length ? rollbackLine(result) : reasons.join('; '))}</section>`);
  }
  const story = whenItWentWrong(result, (phase) => {
    const limits = p95Limits(result);
    return limits.get(phase as never) ?? limits.get('*');
  });
  if (story.length) out.push(`<section class="story"><h2>When</h2><ul>${story.map((l) => `<li>${e(l)}</li>`).join('')}</ul></section>`);
  out.push(...verdictTables(result), ...comparison(g), ...overTime(result, baseline));
  out.push('<h2>Latency distribution</h2>', `<div class="chart">${distributionChart(result, baseline)}</div>`);
  out.push(...statusSection(result));
  const duration = new Map(g.phases.map((p) => [p.name, p.durationMs]));
  out.push('<h2>Phases</h2>', table(['phase', 'status', 'duration', 'reason'], phaseRows(result, checkRows(result)).map((p) => [
    td(p.name), statusCell(p.status), td(p.status === 'skipped' ? '' : fmtDuration(duration.get(p.name) ?? 0), 'num'), td(p.reason),
  ])));
  if (g.edge) out.push(...edgeSection(result, g.edge));
  const load = loadFigures(result);
  // Asked against done first: a pass on load that was never sent must not read as fine.
  const account = g.load;
  const accountRows = account ? loadRows(account).map((r) => [td(r.label), td(r.text, r.bad ? 'bad' : '')]) : [];
  if (load || accountRows.length) {
    const d = load?.duration ?? {};
    out.push('<h2>Load</h2>', table(['metric', 'value'], [
      ...accountRows,
      ...(load ? [
      [td('http_reqs'), td(`${fmtNumber(load.requests)} (${fmtNumber(load.perSecond, 1)}/s)`)],
      ...['avg', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'].map((k) => [td(`http_req_duration ${k}`), td(fmtMs(d[k]))]),
      [td('http_req_failed'), td(`${fmtPercent(load.failedRate)}${load.failedCount !== undefined ? ` (${fmtNumber(load.failedCount)} failed)` : ''}`)],
      ] : []),
    ], 'load'));
  }
  if (g.stages?.length) {
    out.push('<h2>Stages</h2>', table([...STAGE_HEAD], g.stages.map((st) => stageCells(st).map((c, i) => {
      if (i === 0) return td(c, stageOk(st) ? 'ok' : 'bad');
      return td(c, i === 1 ? '' : 'num');
    })), 'stages'));
  }
  const resent = staleRetriesLine(result);
  if (resent) out.push(`<p>${e(resent)}</p>`);
  const failed = failedRequests(result);
  if (failed.length) {
    out.push('<h2>Failed requests by cause</h2>', table(['phase', 'cause', 'count', 'side'], failed.map((f) => [
      td(f.phase), td(f.cause, 'bad'), td(String(f.count), 'num'), td(f.side === 'golive' ? GOLIVE_SIDE : ''),
    ])));
  }
  if (g.notes?.length) {
    out.push('<h2>Notes</h2>', `<ul>${g.notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul>`);
  }
  if (g.deliveries.length) {
    out.push('<h2>Deliveries and notifications</h2>', table(['result', 'to', 'attempts', 'error'], g.deliveries.map((d) => [
      mark(d.ok), td(d.sink), td(String(d.attempts), 'num'), td(d.error ?? ''),
    ])));
  }
  return out;
}

export interface HtmlOptions {
  /** a baseline run whose curves are drawn under this run's */
  baseline?: RunResult;
}

export function renderHtml(result: RunResult, opts: HtmlOptions = {}): string {
  const g = result.golive;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // No network at all: styles inline, images only as data:, no scripts.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(`golive ${VERDICT_LABEL[g.verdict]} — ${displayTarget(result)}`)}</title>`,
    `<style>${CSS}</style></head><body>`,
    banner(result),
    // One main landmark holds every section, so assistive technology can skip to it.
    '<main>',
    ...sections(result, opts.baseline),
    '</main>',
    `<footer>golive ${e(g.version)} · run ${e(g.runId)} · finished ${e(g.finishedAt)}</footer>`,
    '</body></html>',
    '',
  ].join('\n');
}
