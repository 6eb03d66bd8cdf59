/**
 * `signoff.html`: the sheet people sign. Self-contained like report.html
 * (inline CSS and SVG, no scripts, a CSP that forbids them anyway), one row
 * per criterion with a small chart of the window, and the runbook's sign-off
 * lines. Everything from Prometheus is escaped.
 */
import { renderChart, type Point as ChartPoint } from '../reporters/svg/line-chart.js';
import { escapeAttr, escapeText } from '../reporters/text.js';
import { fmtValue } from './measure.js';
import { evidenceLines, HEADLINE, STATUS_MARK, windowLine } from './render-text.js';
import type { CriterionResult, SignoffReport } from './types.js';

const e = escapeText;

const CSS = `
:root{--ok:#188038;--bad:#d93025;--warn:#b06000;--muted:#5f6368;--line:#e8eaed}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#202124;margin:0;padding:24px;max-width:1200px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
.banner{padding:16px 20px;border-radius:8px;color:#fff}
.banner.passed{background:var(--ok)}.banner.failed,.banner.incomplete{background:var(--bad)}
.meta{margin:4px 0 0}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600}
td.passed{color:var(--ok)}td.failed{color:var(--bad)}td.unknown,td.not-measured{color:var(--warn)}
.banner,.banner h1,.banner .meta{color:#fff}
details{margin-top:4px;font-size:12px}summary{color:var(--muted);cursor:pointer}
td.mark{font-size:18px}
ul.evidence{margin:4px 0 0;padding-left:18px;font-size:13px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;word-break:break-all}
.muted{color:var(--muted)}
.sign td{height:40px;border-bottom:1px solid #202124}
footer{margin-top:32px;color:var(--muted);font-size:12px}
`;

function chart(c: CriterionResult, startMs: number): string {
  const points: ChartPoint[] = c.series.map((p) => [(p.t - startMs) / 3_600_000, p.v]);
  return renderChart({
    title: c.name, cls: `criterion-chart chart-${c.id}`, width: 360, height: 150,
    x: { label: 'hours since --since', fmt: (v) => `${Math.round(v)}h`, min: 0 },
    y: { label: c.unit === 'ratio' ? '%' : c.unit === 'seconds' ? 'ms' : '', fmt: (v) => (c.unit === 'count' ? (Number.isInteger(v) ? String(v) : '') : fmtValue(v, c.unit)) },
    series: [{ name: c.name, cls: 'criterion', color: '#1a73e8', points }],
    ...(c.limit !== undefined ? { threshold: { value: c.limit, label: `target ${c.target}` } } : {}),
  });
}

function evidence(c: CriterionResult): string {
  const lines = evidenceLines(c);
  const facts = lines.filter((l) => !l.startsWith('query: ')).map((l) => `<li>${e(l)}</li>`);
  // The queries are there to be pasted into Prometheus, not read first: folded (no script needed).
  const queries = lines.filter((l) => l.startsWith('query: ')).map((l) => `<li><code>${e(l.slice(7))}</code></li>`);
  return (facts.length ? `<ul class="evidence">${facts.join('')}</ul>` : '')
    + (queries.length ? `<details class="queries"><summary>${e(`${queries.length} ${queries.length === 1 ? 'query' : 'queries'}`)}</summary><ul class="evidence">${queries.join('')}</ul></details>` : '');
}

function row(c: CriterionResult, startMs: number): string {
  const cls = escapeAttr(c.status);
  return `<tr class="criterion ${cls}" data-id="${escapeAttr(c.id)}"><td class="mark ${cls}">${e(STATUS_MARK[c.status])}</td>`
    + `<td><strong>${e(c.name)}</strong>${evidence(c)}</td><td class="${cls}">${e(c.measured)}</td><td>${e(c.target)}</td>`
    + `<td>${c.series.length ? chart(c, startMs) : '<span class="muted">no chart</span>'}</td></tr>`;
}

function perDay(r: SignoffReport): string[] {
  const withDays = r.criteria.filter((c) => c.days?.length);
  if (withDays.length === 0) return [];
  const days = withDays[0]?.days?.map((d) => d.day) ?? [];
  return ['<h2>Per day</h2>', `<table class="per-day"><thead><tr><th>criterion</th>${days.map((d) => `<th>${e(d)}</th>`).join('')}</tr></thead><tbody>`,
    ...withDays.map((c) => `<tr><td>${e(c.name)}</td>${(c.days ?? []).map((d) => `<td class="${escapeAttr(d.status)}">${e(`${STATUS_MARK[d.status]} ${d.measured}`)}</td>`).join('')}</tr>`),
    '</tbody></table>'];
}

export function renderSignoffHtml(r: SignoffReport): string {
  const startMs = Date.parse(r.since);
  return ['<!doctype html>', '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(`golive signoff — ${HEADLINE[r.status]}`)}</title>`, `<style>${CSS}</style></head><body>`,
    `<header class="banner ${escapeAttr(r.status)}"><h1>${e(`Launch sign-off: ${HEADLINE[r.status]} — exit ${r.exitCode}`)}</h1><p class="meta">${e(windowLine(r))}</p></header>`,
    // One main landmark around the sections (banner and footer outside it), as a screen reader expects.
    '<main>', '<h2>Launch success criteria</h2>',
    '<table class="criteria"><thead><tr><th>result</th><th>criterion and evidence</th><th>measured</th><th>target</th><th>over the window</th></tr></thead><tbody>',
    ...r.criteria.map((c) => row(c, startMs)), '</tbody></table>',
    ...perDay(r),
    ...(r.notes.length ? ['<h2>Notes</h2>', `<ul>${r.notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul>`] : []),
    '<h2>Launch completion sign-off</h2>',
    '<table class="sign"><thead><tr><th>role</th><th>name</th><th>date</th></tr></thead><tbody>',
    ...r.signOff.map((s) => `<tr><td>${e(s.role)} sign-off</td><td>${e(s.name)}</td><td>${e(s.date)}</td></tr>`), '</tbody></table>', '</main>',
    `<footer>golive ${e(r.version)} · evaluated ${e(r.evaluatedAt)}</footer>`, '</body></html>', ''].join('\n');
}
