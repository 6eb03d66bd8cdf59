/**
 * Pure: the sign-off as the console table, Markdown (war-room channel, GitHub
 * job summary) and JUnit. Every string from Prometheus is cleaned for the
 * medium: terminal escapes stripped, Markdown and XML escaped.
 */
import { clean, printer, type Cell } from '../reporters/console-layout.js';
import { mdText } from '../reporters/markdown.js';
import { escapeAttr, escapeText } from '../reporters/text.js';
import type { CriterionResult, CriterionStatus, SignoffReport } from './types.js';

export const STATUS_MARK: Readonly<Record<CriterionStatus, string>> = { passed: '✓', failed: '✗', unknown: '?', 'not-measured': '–' };
const TONE: Readonly<Record<CriterionStatus, Cell['tone']>> = { passed: 'ok', failed: 'bad', unknown: 'warn', 'not-measured': 'warn' };
export const HEADLINE: Readonly<Record<SignoffReport['status'], string>> = {
  passed: 'SIGNED OFF: every launch success criterion met',
  failed: 'NOT SIGNED OFF: a launch success criterion failed',
  incomplete: 'NOT SIGNED OFF: a criterion could not be judged',
};

export function windowLine(r: SignoffReport): string {
  return `${r.since} – ${r.until}${r.by === 'day' ? ', by day' : ''} · ${r.selector} · ${r.prometheus} · criteria: ${r.source}`;
}

/** The evidence of a row, one line each: the worst hour, the failures, the queries. */
export function evidenceLines(c: CriterionResult): string[] {
  return [
    ...(c.evidence.worst ? [`worst: ${c.evidence.worst.value} (${c.evidence.worst.at})`] : []),
    ...c.evidence.failures,
    ...c.evidence.queries.map((q) => `query: ${q}`),
  ];
}

export function renderConsole(r: SignoffReport, opts: { color: boolean; width?: number }): string {
  const p = printer(opts);
  const out = [p.line({ text: `golive signoff: ${HEADLINE[r.status]} (exit ${r.exitCode})`, tone: r.status === 'passed' ? 'ok' : 'bad' }), p.line({ text: clean(windowLine(r)), tone: 'dim' }), ''];
  const head: Cell[] = [{ text: '' }, { text: 'criterion', tone: 'bold' }, { text: 'measured', tone: 'bold' }, { text: 'target', tone: 'bold' }];
  out.push(...p.table([head, ...r.criteria.map((c): Cell[] => [
    { text: STATUS_MARK[c.status], tone: TONE[c.status] }, { text: clean(c.name) }, { text: clean(c.measured), tone: TONE[c.status] }, { text: clean(c.target) },
  ])]));
  for (const c of r.criteria) {
    out.push(...p.heading(`${STATUS_MARK[c.status]} ${clean(c.name)}`));
    for (const l of evidenceLines(c)) out.push(p.line({ text: `  ${clean(l)}`, tone: l.startsWith('query:') ? 'dim' : undefined }));
    for (const d of c.days ?? []) out.push(p.line({ text: `  ${d.day}  ` }, { text: `${STATUS_MARK[d.status]} ${clean(d.measured)}`, tone: TONE[d.status] }));
  }
  for (const n of r.notes) out.push('', p.line({ text: clean(n), tone: 'warn' }));
  return `${out.join('\n')}\n`;
}

export function renderSignoffMarkdown(r: SignoffReport): string {
  const icon = r.status === 'passed' ? '✅' : '❌';
  const out = [`### ${icon} golive signoff: ${HEADLINE[r.status]} (exit ${r.exitCode})`, '', mdText(windowLine(r)), '',
    '| | criterion | measured | target | evidence |', '| --- | --- | --- | --- | --- |',
    ...r.criteria.map((c) => `| ${STATUS_MARK[c.status]} | ${mdText(c.name)} | ${mdText(c.measured)} | ${mdText(c.target)} | ${[...(c.evidence.worst ? [`worst ${c.evidence.worst.value} (${c.evidence.worst.at})`] : []), ...c.evidence.failures.slice(0, 3)].map(mdText).join('<br>')} |`)];
  const withDays = r.criteria.filter((c) => c.days?.length);
  if (withDays.length) {
    const days = withDays[0]?.days?.map((d) => d.day) ?? [];
    out.push('', '#### Per day', '', `| criterion | ${days.join(' | ')} |`, `| --- | ${days.map(() => '---').join(' | ')} |`,
      ...withDays.map((c) => `| ${mdText(c.name)} | ${(c.days ?? []).map((d) => `${STATUS_MARK[d.status]} ${mdText(d.measured)}`).join(' | ')} |`));
  }
  for (const n of r.notes) out.push('', `> ${mdText(n)}`);
  out.push('', '| sign-off | name | date |', '| --- | --- | --- |', ...r.signOff.map((s) => `| ${mdText(s.role)} | ${mdText(s.name) || ' '} | ${mdText(s.date) || ' '} |`), '');
  return out.join('\n');
}

export function renderSignoffJunit(r: SignoffReport): string {
  const failures = r.criteria.filter((c) => c.status === 'failed').length;
  const errors = r.criteria.filter((c) => c.status === 'unknown' || c.status === 'not-measured').length;
  const cases = r.criteria.map((c) => {
    const open = `    <testcase classname="golive.signoff" name="${escapeAttr(`${c.name} ${c.target}`)}">`;
    const body = escapeText(evidenceLines(c).join('\n'));
    if (c.status === 'passed') return `${open}<system-out>${body}</system-out></testcase>`;
    const tag = c.status === 'failed' ? 'failure' : 'error';
    return `${open}<${tag} type="${escapeAttr(c.status)}" message="${escapeAttr(`${c.measured} (target ${c.target})`)}">${body}</${tag}></testcase>`;
  });
  return ['<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="golive signoff" tests="${r.criteria.length}" failures="${failures}" errors="${errors}">`,
    `  <testsuite name="launch success criteria" tests="${r.criteria.length}" failures="${failures}" errors="${errors}" skipped="0" timestamp="${escapeAttr(r.evaluatedAt)}">`,
    ...cases, '  </testsuite>', '</testsuites>', ''].join('\n');
}
