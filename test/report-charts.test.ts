/** The report's SVG charts and what a result without series (k6's summary) still shows. Pure. */
import { XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../src/reporters/html.js';
import { renderMarkdown } from '../src/reporters/markdown.js';
import { renderChart } from '../src/reporters/svg/line-chart.js';
import { decadeTicks, percentileLabel } from '../src/reporters/svg/scale.js';
import { failedRun, passedRun, recordRealRuns } from './fixtures/run-result.js';

beforeAll(recordRealRuns, 120_000);

const spec = (threshold: number) => renderChart({
  title: 'load', cls: 'latency-over-time',
  x: { label: 's', fmt: String }, y: { label: 'ms', fmt: (v) => `${v}ms` },
  series: [{ name: 'p95', cls: 'p95', color: '#000', points: [[0, 4], [1, 8], [2, null], [3, 10]] }],
  threshold: { value: threshold, label: `threshold p95 < ${threshold}ms` },
});

describe('line chart', () => {
  it('scales the y axis to the data and says so when the threshold is off-scale', () => {
    const svg = spec(500);
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).not.toContain('class="threshold"');
    expect(svg).toContain('class="threshold-offscale"');
    expect(svg).toContain('off-scale (500ms is far above this axis)');
    // The top tick is the data's, not the threshold's.
    expect(svg).toMatch(/>10ms<\/text>/);
    expect(svg).not.toMatch(/>500ms<\/text>/);
    expect(svg).toMatch(/class="series p95" data-points="3" d="M[\d.]+ [\d.]+L[\d.]+ [\d.]+M/);
  });

  it('draws the threshold line when it is near the data', () => {
    const svg = spec(15);
    expect(svg).toMatch(/<line class="threshold" [^>]*y1="([\d.]+)"/);
    expect(svg).not.toContain('threshold-offscale');
  });

  it('labels the "1 in N" axis as percentiles', () => {
    expect(decadeTicks(3000)).toEqual([1, 10, 100, 1000, 10000]);
    expect([1, 10, 100, 1000].map(percentileLabel)).toEqual(['0%', '90%', '99%', '99.9%']);
  });
});

describe('a result without histograms or timeline (e.g. a read-back summary without series)', () => {
  it('still has the distribution points the summary holds and says what is missing', () => {
    const r = passedRun();
    r.golive.engine = 'k6';
    delete r.golive.series;
    delete r.golive.timeline;
    const html = renderHtml(r);
    expect(html).toContain('no requests were timed in this run');
    expect(html).toMatch(/<h2>Status codes<\/h2>\s*<p class="muted">no responses<\/p>/);
    expect(html).toMatch(/class="series dist dist-load" data-points="[34]"/);
  });
});

describe('markdown summary', () => {
  it('lists failures with values, p95 per phase, and keeps hostile text inert', () => {
    const r = failedRun();
    r.golive.checks[0]!.reasons = ['<img src=x onerror=alert(1)> | [link](https://evil.example)'];
    r.golive.checks[0]!.fails = 1;
    const md = renderMarkdown(r);
    expect(md).toMatch(/^### ❌ golive FAILED \(exit 99\)$/m);
    const failed = r.golive.thresholds.find((t) => !t.ok);
    expect(failed).toBeDefined();
    expect(md).toContain(`| ${failed!.metric.replace(/[_[\]|*]/g, (c) => `\\${c}`)} |`);
    expect(md).toMatch(/^\| load \| [\d.]+ms \| [\d.]+ms \| [\d.]+ms \| [\d.]+ms \| 500ms \|$/m);
    expect(md).not.toContain('<img');
    expect(md).not.toMatch(/https?:\/\//);
    expect(md).toContain('\\| \\[link\\]');
  });
});
