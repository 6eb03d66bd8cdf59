/**
 * The first week and the sheet people sign: `golive signoff --window 7d --by
 * day` over 7 days of backfilled history in a real Prometheus (a bad hour on
 * day 3, slow runs on day 5, a critical alert whose name is an XSS payload),
 * and its signoff.html opened in the real headless Chromium.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignoffReport } from '../src/signoff/types.js';
import { axeBlocking } from './support/axe.js';
import { expectJunitHolds } from './support/junit-validators.js';
import { runCli } from './support/processes.js';
import type { Server } from './support/prometheus.js';
import { startWithHistory } from './support/signoff-history.js';

const CHROMIUM = '/usr/bin/chromium';
const HOUR = 3600;
const DAY = 24 * HOUR;
const XSS = '<img src=x onerror="document.title=\'pwned\'">';
const startS = Math.floor(Date.now() / 1000 / DAY) * DAY - 8 * DAY;
const since = new Date(startS * 1000).toISOString();

let prom: Server;
let context: BrowserContext;
let report: SignoffReport;
let out: string;
let stdout = '';
let code: number | null = null;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run 'bash scripts/setup/test-deps.sh' (apt-get install chromium)`);
  prom = await startWithHistory([{
    startS, hours: 7 * 24, environment: 'week', capacity: { hour: 1, ok: true },
    // day 3 (index 2): two failed health runs; day 5 (index 4): p95 700 ms for three runs
    healthFailHours: [2 * 24 + 9, 2 * 24 + 10],
    p95: (h) => (h >= 4 * 24 + 12 && h < 4 * 24 + 15 ? 0.7 : 0.2),
    criticalAlert: { name: XSS, fromS: startS + 5 * DAY + 3 * HOUR, toS: startS + 5 * DAY + 4 * HOUR },
  }]);
  out = await mkdtemp(join(tmpdir(), 'golive-signoff-week-'));
  const res = await runCli(['signoff', '--prometheus-url', prom.url, '--since', since, '--window', '7d', '--by', 'day', '--environment', 'week', '--out', out, '--no-color'], { deadlineMs: 180_000 });
  code = res.code;
  stdout = res.stdout + res.stderr;
  report = JSON.parse(await readFile(join(out, 'signoff.json'), 'utf8')) as SignoffReport;
  context = await chromium.launchPersistentContext(await mkdtemp(join(tmpdir(), 'golive-chromium-profile-')), {
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 300_000);
afterAll(async () => {
  await Promise.all([context?.close(), prom?.stop()]);
});

const days = (id: string) => (report.criteria.find((c) => c.id === id)?.days ?? []).map((d) => d.status);

describe('golive signoff --window 7d --by day', () => {
  it('judges every day: the bad hour fails day 3, the slow runs day 5, the alert day 6', () => {
    expect(code, stdout).toBe(99);
    expect(report.by).toBe('day');
    expect(days('availability')).toEqual(['passed', 'passed', 'failed', 'passed', 'passed', 'passed', 'passed']);
    expect(days('p95')).toEqual(['passed', 'passed', 'passed', 'passed', 'failed', 'passed', 'passed']);
    expect(days('error-rate')).toEqual(Array(7).fill('passed'));
    expect(days('critical-incidents')).toEqual(['passed', 'passed', 'passed', 'passed', 'passed', 'failed', 'passed']);
    const p95 = report.criteria.find((c) => c.id === 'p95');
    expect(p95?.series).toHaveLength(7 * 24);
    expect(p95?.evidence.failures.filter((l) => l.startsWith('run finished'))).toHaveLength(3);
    expect(p95?.evidence.worst?.value).toBe('700 ms');
    // 2 of 168 hours down: 98.8 %, under the 99.5 % goal over the week as well.
    expect(report.criteria.find((c) => c.id === 'availability')?.value).toBeCloseTo(166 / 168, 2);
    expect(stdout).toMatch(/\d{4}-\d{2}-\d{2} +✗ 91\.\d\d %/);
  });

  it('signoff-junit.xml holds against junit-10.xsd and the CI readers: one failure per failed criterion', async () => {
    const got = await expectJunitHolds(join(out, 'signoff-junit.xml'));
    const n = (...st: string[]) => report.criteria.filter((c) => st.includes(c.status)).length;
    expect(got.total).toEqual({ tests: 6, failures: n('failed'), errors: n('unknown', 'not-measured'), skipped: 0 });
    expect(got.total.failures).toBeGreaterThanOrEqual(3);
  });

  it('signoff.html in Chromium: one row per criterion, each with its chart, the per-day table, the sign-off lines, no console errors, the hostile alert name as text', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    const url = pathToFileURL(join(out, 'signoff.html')).href;
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => { if (r.url() !== url) requests.push(r.url()); });
    try {
      await page.goto(url, { waitUntil: 'load' });
      const got = await page.evaluate(`(() => ({
        rows: document.querySelectorAll('table.criteria tbody tr.criterion').length,
        charts: document.querySelectorAll('table.criteria svg.criterion-chart').length,
        failedRows: document.querySelectorAll('tr.criterion.failed').length,
        dayColumns: document.querySelectorAll('table.per-day thead th').length,
        signLines: document.querySelectorAll('table.sign tbody tr').length,
        images: document.images.length,
        chartWidth: Math.round(document.querySelector('svg.chart-availability')?.getBoundingClientRect().width || 0),
        text: document.body.innerText,
      }))()`) as Record<string, number> & { text: string };
      await page.screenshot({ path: process.env.SIGNOFF_SCREENSHOT ?? join(out, 'signoff.png'), fullPage: true });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      expect(got.rows).toBe(report.criteria.length);
      expect(got.rows).toBe(6);
      // capacity has no series over time: the other five have a chart each
      expect(got.charts).toBe(5);
      expect(got.failedRows).toBe(report.criteria.filter((c) => c.status === 'failed').length);
      expect(got.dayColumns).toBe(8);
      expect(got.signLines).toBe(4);
      expect(got.chartWidth).toBeGreaterThan(200);
      expect(got.images).toBe(0);
      expect(await page.title()).not.toBe('pwned');
      expect(got.text).toContain(XSS);
      expect(got.text).toContain('Launch Manager sign-off');
      expect(await axeBlocking(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
