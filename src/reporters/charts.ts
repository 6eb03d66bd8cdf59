/**
 * The report's charts, from the view data of report-data.ts: latency
 * percentiles over time (with the p(95) threshold and the baseline's p95),
 * throughput and failures over time, the HDR percentile distribution on a
 * "1 in N" axis (with the baseline's curves), status codes per phase. Pure.
 */
import type { RunResult } from '../core/result.js';
import type { StatusClass } from '../core/timeline.js';
import { p95Limits } from './latency.js';
import { distributions, phaseTimelines, statusCodes, type PhaseTimeline } from './report-data.js';
import { renderChart, type ChartSeries, type Point } from './svg/line-chart.js';
import { fmtCount, fmtMsTick, percentileLabel } from './svg/scale.js';
import { escapeAttr, escapeText } from './text.js';

const PCT_COLORS = { p50: '#8ab4f8', p95: '#1a73e8', p99: '#174ea6' } as const;
const CLASS_COLORS: Record<StatusClass, string> = { '1xx': '#a142f4', '2xx': '#188038', '3xx': '#12b5cb', '4xx': '#f29900', '5xx': '#d93025', none: '#5f6368' };
/** A non-2xx answer the request expected: a success's green, darker so it reads apart from the 2xx. */
const EXPECTED_COLOR = '#0d652d';
const PHASE_COLORS = ['#1a73e8', '#e8710a', '#188038', '#a142f4', '#d01884'];
const BASELINE_COLOR = '#9aa0a6';

const secs = (v: number): string => `${Number(v.toPrecision(4))}s`;
/** The time axis: from the first interval's start to the last one's end (bars fit inside). */
const timeAxis = (t: PhaseTimeline, other?: PhaseTimeline) => ({
  label: 'seconds since the phase started', fmt: secs, min: 0, barWidth: t.intervalMs / 1000,
  max: Math.max(...t.x, ...(other?.x ?? [])) + t.intervalMs / 1000,
});
const zip = (xs: readonly number[], ys: readonly (number | null)[]): Point[] => xs.map((x, i) => [x, ys[i] ?? null]);
/** A curve's point sits mid-interval; bars span the interval from its start. */
const mid = (t: PhaseTimeline): number[] => t.x.map((x) => x + t.intervalMs / 2000);

function thresholdFor(result: RunResult, phase: string): { value: number; label: string } | undefined {
  const limits = p95Limits(result);
  const v = limits.get(phase as never) ?? limits.get('*');
  return v === undefined ? undefined : { value: v, label: `threshold p95 < ${fmtMsTick(v)}` };
}

export function latencyOverTime(result: RunResult, t: PhaseTimeline, baseline?: PhaseTimeline): string {
  const series: ChartSeries[] = [
    { name: 'p50', cls: 'p50', color: PCT_COLORS.p50, points: zip(mid(t), t.p50) },
    { name: 'p95', cls: 'p95', color: PCT_COLORS.p95, points: zip(mid(t), t.p95) },
    { name: 'p99', cls: 'p99', color: PCT_COLORS.p99, points: zip(mid(t), t.p99) },
  ];
  if (baseline) series.push({ name: 'baseline p95', cls: 'baseline-p95', color: BASELINE_COLOR, dash: '5 3', points: zip(mid(baseline), baseline.p95) });
  const threshold = thresholdFor(result, t.phase);
  return renderChart({
    title: `${t.phase}: latency percentiles per ${t.intervalMs / 1000}s`,
    cls: 'latency-over-time',
    x: timeAxis(t, baseline),
    y: { label: 'http_req_duration', fmt: fmtMsTick },
    series,
    ...(threshold ? { threshold } : {}),
    bands: t.stages,
  });
}

export function throughputOverTime(t: PhaseTimeline, baseline?: PhaseTimeline): string {
  const series: ChartSeries[] = [{ name: 'requests/s', cls: 'reqs', color: '#1a73e8', points: zip(mid(t), t.reqsPerSec) }];
  for (const [cls, col] of Object.entries(t.failuresPerSec) as [StatusClass, number[]][]) {
    series.push({ name: `failed ${cls === 'none' ? 'no response' : cls}/s`, cls: `failures failures-${cls}`, color: CLASS_COLORS[cls], kind: 'bars', points: zip(t.x, col) });
  }
  if (baseline) series.push({ name: 'baseline requests/s', cls: 'baseline-reqs', color: BASELINE_COLOR, dash: '5 3', points: zip(mid(baseline), baseline.reqsPerSec) });
  return renderChart({
    title: `${t.phase}: throughput and failures per second`,
    cls: 'throughput-over-time',
    x: timeAxis(t, baseline),
    y: { label: 'per second', fmt: fmtCount },
    series,
    bands: t.stages,
  });
}

export function distributionChart(result: RunResult, baseline?: RunResult): string {
  const series: ChartSeries[] = distributions(result).map((d, i) => ({
    name: d.source === 'hdr' ? d.phase : `${d.phase} (k6 summary points)`,
    cls: `dist dist-${d.phase}`,
    color: PHASE_COLORS[i % PHASE_COLORS.length] ?? '#1a73e8',
    points: d.points,
  }));
  if (baseline) {
    for (const d of distributions(baseline)) {
      series.push({ name: `baseline ${d.phase}`, cls: `baseline-dist baseline-dist-${d.phase}`, color: BASELINE_COLOR, dash: '5 3', points: d.points });
    }
  }
  return renderChart({
    title: 'latency by percentile (HdrHistogram plot)',
    cls: 'distribution',
    x: { label: 'percentile (1 in N requests is slower)', log: true, fmt: percentileLabel, min: 1 },
    y: { label: 'http_req_duration', fmt: fmtMsTick },
    series,
    height: 300,
  });
}

/** One stacked bar per phase, one segment per status code, counts in the titles. */
export function statusCodeChart(result: RunResult): string {
  const rows = statusCodes(result);
  if (!rows.length) return '';
  const width = 760;
  const rowH = 26;
  const left = 110;
  const height = 30 + rows.length * rowH;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" class="chart status-codes" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="11"><title>status codes per phase</title>`];
  rows.forEach((r, i) => {
    const total = r.codes.reduce((a, [, c]) => a + c, 0);
    const y = 10 + i * rowH;
    parts.push(`<text x="${left - 8}" y="${y + 14}" text-anchor="end">${escapeText(r.phase)}</text>`);
    let x = left;
    for (const [code, count, expected] of r.codes) {
      const w = ((width - left - 10) * count) / total;
      const cls = (code === '0' ? 'none' : `${code[0] ?? '0'}xx`) as StatusClass;
      // An answer the check asked for (the auth refusal's 401) is drawn as a success, and says so.
      const asked = expected && cls !== '2xx' && cls !== '3xx';
      const label = `${code === '0' ? 'no response' : code}${asked ? ' expected' : ''}: ${count} (${((100 * count) / total).toFixed(1)}%)`;
      const fill = asked ? EXPECTED_COLOR : CLASS_COLORS[cls] ?? '#5f6368';
      parts.push(`<rect class="status status-${escapeAttr(code)}${asked ? ' expected' : ''}" x="${x.toFixed(1)}" y="${y}" width="${Math.max(1, w).toFixed(1)}" height="${rowH - 6}" fill="${fill}"><title>${escapeText(`${r.phase} ${label}`)}</title></rect>`);
      if (w > 70) parts.push(`<text x="${(x + 4).toFixed(1)}" y="${y + 14}" fill="#fff">${escapeText(label)}</text>`);
      x += w;
    }
  });
  parts.push('</svg>');
  return parts.join('');
}

export { phaseTimelines };
