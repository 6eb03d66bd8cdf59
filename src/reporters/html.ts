/**
 * `report.html`: one self-contained file (inline CSS, inline SVG, no scripts,
 * fonts or images from anywhere) that can be attached to a CI run or mailed.
 * Every piece of text from the result is escaped; a CSP forbids scripts even
 * if an escaping bug ever slipped through.
 */
import { GOLIVE_SIDE, failedRequests } from './failed-requests.js';
import type { EdgeCheckStatus, EdgeReport } from '../core/edge-report.js';
import type { PhaseStatus, RunResult, Verdict } from '../core/result.js';
import { latencyRows, loadFigures } from './latency.js';
import { renderLatencyChart } from './svg-chart.js';
import {
  STATUS_MARK, VERDICT_LABEL, displayTarget, escapeAttr, escapeText, fmtDuration, fmtMs,
  fmtNumber, fmtPercent,
} from './text.js';

const CSS = `
:root{--ok:#188038;--bad:#d93025;--warn:#b06000;--muted:#5f6368;--line:#e8eaed}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#202124;margin:0;padding:24px;max-width:1100px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}h3{font-size:14px;margin:16px 0 6px}
.banner{padding:16px 20px;border-radius:8px;color:#fff}
.banner.passed{background:var(--ok)}.banner.failed,.banner.error{background:var(--bad)}.banner.aborted{background:var(--warn)}
.meta{margin:4px 0 0;opacity:.9}
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
.chart{overflow-x:auto}
footer{margin-top:32px;color:var(--muted);font-size:12px}
`;

const e = escapeText;

function table(head: readonly string[], rows: readonly string[][]): string {
  const th = head.map((h) => `<th>${e(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const td = (text: string, cls?: string): string => `<td${cls ? ` class="${escapeAttr(cls)}"` : ''}>${e(text)}</td>`;
const tdHtml = (html: string, cls?: string): string => `<td${cls ? ` class="${escapeAttr(cls)}"` : ''}>${html}</td>`;
const mark = (ok: boolean): string => tdHtml(ok ? '✓' : '✗', ok ? 'ok' : 'bad');

function statusCell(status: PhaseStatus): string {
  return tdHtml(`${STATUS_MARK[status]} ${e(status)}`, status);
}

function banner(result: RunResult): string {
  const g = result.golive;
  const v: Verdict = g.verdict;
  const meta = [
    `target ${displayTarget(result)}`, `engine ${g.engine}`, `duration ${fmtDuration(g.durationMs)}`,
    ...(g.environment ? [`environment ${g.environment}`] : []), `testid ${g.testid}`, `started ${g.startedAt}`,
  ].join(' · ');
  return `<header class="banner ${escapeAttr(v)}"><h1>golive ${e(VERDICT_LABEL[v])} — exit ${e(String(g.exitCode))}</h1>`
    + `<p class="meta">${e(meta)}</p>${g.error ? `<p class="meta">${e(g.error)}</p>` : ''}</header>`;
}

const EDGE_CLASS: Readonly<Record<EdgeCheckStatus, string>> = { passed: 'ok', warned: 'skipped', failed: 'bad', skipped: 'skipped' };

/** The edge checks with their measured values, and the certificate chain as presented. */
function edgeSection(edge: EdgeReport): string[] {
  const out = [
    `<h2>Edge: ${e(edge.host)}</h2>`,
    ...(edge.ranIn ? [`<p>${e(edge.ranIn)}</p>`] : []),
    table(['check', 'status', 'measured'], edge.checks.map((c) => [td(c.name), td(c.status, EDGE_CLASS[c.status]), td(c.detail)])),
  ];
  const chain = edge.certificate?.chain ?? [];
  if (chain.length) {
    out.push('<h3>Certificate chain</h3>', table(['', 'subject', 'issuer', 'not after', 'days left'], chain.map((c) => [
      td(c.role), td(c.subject), td(c.issuer), td(c.notAfter), td(String(c.daysLeft), c.daysLeft < 0 ? 'num bad' : 'num'),
    ])));
  }
  return out;
}

function sections(result: RunResult): string[] {
  const g = result.golive;
  const out: string[] = [];
  if (g.rollback.triggered) {
    const reasons = g.rollback.reasons.length ? g.rollback.reasons : ['rollback triggered'];
    out.push(`<section class="rollback" role="alert">ROLLBACK TRIGGER: ${e(reasons.join('; '))}</section>`);
  }
  out.push('<h2>Phases</h2>', table(['phase', 'status', 'duration', 'reason'], g.phases.map((p) => [
    td(p.name), statusCell(p.status), td(p.status === 'skipped' ? '' : fmtDuration(p.durationMs), 'num'), td(p.reason ?? ''),
  ])));
  if (g.edge) out.push(...edgeSection(g.edge));
  if (g.checks.length) {
    out.push('<h2>Checks</h2>', table(['', 'phase', 'check', 'passes', 'fails', 'reasons'], g.checks.map((c) => [
      mark(c.fails === 0), td(c.phase), td(c.name), td(String(c.passes), 'num'), td(String(c.fails), c.fails ? 'num bad' : 'num'),
      tdHtml(c.reasons.length ? `<ul class="reasons">${c.reasons.map((r) => `<li>${e(r)}</li>`).join('')}</ul>` : ''),
    ])));
  }
  if (g.thresholds.length) {
    out.push('<h2>Thresholds</h2>', table(['', 'metric', 'threshold', 'measured'], g.thresholds.map((t) => [
      mark(t.ok), tdHtml(`<code>${e(t.metric)}</code>`), tdHtml(`<code>${e(t.expression)}</code>`), td(t.message, t.ok ? '' : 'bad'),
    ])));
  }
  out.push('<h2>Latency</h2>', `<div class="chart">${renderLatencyChart(latencyRows(result))}</div>`);
  const load = loadFigures(result);
  if (load) {
    const d = load.duration;
    out.push('<h2>Load</h2>', table(['metric', 'value'], [
      [td('http_reqs'), td(`${fmtNumber(load.requests)} (${fmtNumber(load.perSecond, 1)}/s)`)],
      ...['avg', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'].map((k) => [td(`http_req_duration ${k}`), td(fmtMs(d[k]))]),
      [td('http_req_failed'), td(`${fmtPercent(load.failedRate)}${load.failedCount !== undefined ? ` (${fmtNumber(load.failedCount)} failed)` : ''}`)],
    ]));
  }
  const failed = failedRequests(result);
  if (failed.length) {
    out.push('<h2>Failed requests by cause</h2>', table(['phase', 'cause', 'count', ''], failed.map((f) => [
      td(f.phase), td(f.cause, 'bad'), td(String(f.count), 'num'), td(f.side === 'golive' ? GOLIVE_SIDE : ''),
    ])));
  }
  if (g.notes?.length) {
    out.push('<h2>Notes</h2>', `<ul>${g.notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul>`);
  }
  if (g.deliveries.length) {
    out.push('<h2>Deliveries</h2>', table(['', 'sink', 'attempts', 'error'], g.deliveries.map((d) => [
      mark(d.ok), td(d.sink), td(String(d.attempts), 'num'), td(d.error ?? ''),
    ])));
  }
  return out;
}

export function renderHtml(result: RunResult): string {
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
    ...sections(result),
    `<footer>golive ${e(g.version)} · run ${e(g.runId)} · finished ${e(g.finishedAt)}</footer>`,
    '</body></html>',
    '',
  ].join('\n');
}
