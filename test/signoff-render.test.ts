/**
 * The sign-off's renderers against hostile strings from Prometheus (label
 * values, alert names, error texts): no terminal escape reaches the console,
 * no HTML survives into the Markdown, the JUnit stays well-formed XML, and
 * the exit code follows the statuses (a failure wins over an unreadable
 * Prometheus, which wins over a missing measurement).
 */
import { describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { signoffVerdict } from '../src/signoff/evaluate.js';
import { renderConsole, renderSignoffJunit, renderSignoffMarkdown } from '../src/signoff/render-text.js';
import { slackSignoff } from '../src/signoff/notify.js';
import type { CriterionResult, SignoffReport } from '../src/signoff/types.js';

const EVIL = '<img src=x onerror=alert(1)>\u001b[2J\u001b]0;pwned\u0007|**bold**\u0000';

function criterion(status: CriterionResult['status'], extra: Partial<CriterionResult> = {}): CriterionResult {
  return {
    id: 'x', name: `alerts ${EVIL}`, target: '0 fired', status, measured: `1 fired ${EVIL}`, value: 1, unit: 'count',
    evidence: { queries: [`ALERTS{alertname="${EVIL}"}`], failures: [`${EVIL} firing 2026-09-03T10:00:00Z`], worst: { at: 'hour', value: EVIL } },
    series: [{ t: 0, v: 1 }], ...extra,
  };
}

function report(criteria: CriterionResult[]): SignoffReport {
  const v = signoffVerdict(criteria, true);
  return {
    kind: 'golive-signoff', version: 't', since: '2026-09-03T09:00:00Z', until: '2026-09-04T09:00:00Z', windowSeconds: 86_400, by: 'window',
    evaluatedAt: '2026-09-04T10:00:00Z', prometheus: 'http://user:pw@prom:9090', selector: '{job="golive"}', source: 'test',
    status: v.status, exitCode: v.exitCode, criteria, notes: [EVIL], signOff: [{ role: 'Launch Manager', name: EVIL, date: '' }],
  };
}

describe('sign-off renderers with hostile strings', () => {
  const r = report([criterion('failed')]);

  it('console: no escape sequence, no NUL, no credential', () => {
    const out = renderConsole(r, { color: false });
    expect(out).not.toMatch(/[\u0000\u0007\u001b]/);
    expect(out).toContain('<img src=x');
    expect(out).not.toContain('pw@');
  });

  it('Markdown: no HTML, no table-breaking pipe', () => {
    const md = renderSignoffMarkdown(r);
    expect(md).not.toContain('<img');
    expect(md).toContain('&lt;img');
    const row = md.split('\n').find((l) => l.startsWith('| ✗'));
    expect(row?.split(/(?<!\\)\|/).length).toBe(7);
  });

  it('JUnit: well-formed, one failure carrying the measured value', () => {
    const xml = renderSignoffJunit(r);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml) as { testsuites: { '@_failures': string; testsuite: { testcase: { failure: { '@_message': string } } } } };
    expect(doc.testsuites['@_failures']).toBe('1');
    expect(doc.testsuites.testsuite.testcase.failure['@_message']).toContain('1 fired');
  });

  it('Slack: its control characters escaped', () => {
    const text = JSON.stringify(slackSignoff(r, '/reports/signoff.html'));
    expect(text).not.toContain('<img');
    expect(text).toContain('&lt;img');
  });
});

describe('the sign-off\'s exit code', () => {
  const unreadable = criterion('unknown', { unknownCause: 'unreadable' });
  const noData = criterion('unknown', { unknownCause: 'no-data' });
  it.each([
    [[criterion('passed')], true, 0, 'passed'],
    [[criterion('passed')], false, 99, 'incomplete'],
    [[criterion('failed'), unreadable], true, 99, 'failed'],
    [[criterion('passed'), unreadable, noData], true, 108, 'incomplete'],
    [[criterion('passed'), noData], true, 99, 'incomplete'],
    [[criterion('passed'), criterion('not-measured')], true, 99, 'incomplete'],
  ] as const)('%#: %j', (criteria, complete, code, status) => {
    expect(signoffVerdict(criteria, complete)).toEqual({ exitCode: code, status });
  });
});
