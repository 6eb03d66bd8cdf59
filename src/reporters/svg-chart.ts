/**
 * The latency percentile chart of the HTML report: grouped bars of
 * http_req_duration per phase at p50/p90/p95/p99/max on a linear ms axis, with
 * the p(95) threshold drawn across its phase. Pure: rows in, SVG text out.
 */
import type { LatencyRow } from './latency.js';
import { escapeAttr, escapeText } from './text.js';

export interface ChartOptions {
  width?: number;
  height?: number;
}

const SERIES = [
  { key: 'p50', label: 'p50', color: '#8ab4f8' },
  { key: 'p90', label: 'p90', color: '#5b8def' },
  { key: 'p95', label: 'p95', color: '#2b5fd9' },
  { key: 'p99', label: 'p99', color: '#1a3d8f' },
  { key: 'max', label: 'max', color: '#9aa0a6' },
] as const;

/** Axis steps of 1, 2 or 5 × 10^k, about `count` of them up to `max`. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if ((ticks[ticks.length - 1] ?? 0) < max) ticks.push(Number((ticks.length * step).toPrecision(12)));
  return ticks;
}

function fmtTick(ms: number): string {
  if (ms >= 1000) return `${Number((ms / 1000).toPrecision(3))}s`;
  return `${Number(ms.toPrecision(3))}ms`;
}

const n = (v: number): string => (Math.round(v * 10) / 10).toString();

export function renderLatencyChart(rows: readonly LatencyRow[], opts: ChartOptions = {}): string {
  const width = opts.width ?? 720;
  const height = opts.height ?? 340;
  const open = `<svg xmlns="http://www.w3.org/2000/svg" class="latency-chart" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="12">`;
  const title = '<title>http_req_duration percentiles per phase (ms)</title>';
  if (rows.length === 0) {
    return `${open}${title}<text x="${width / 2}" y="${height / 2}" text-anchor="middle" fill="#5f6368">no http_req_duration samples</text></svg>`;
  }

  const m = { left: 64, right: 16, top: 36, bottom: 40 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const peak = Math.max(...rows.flatMap((r) => [r.max, r.p99, r.p95ThresholdMs ?? 0]));
  const ticks = niceTicks(peak);
  const top = ticks[ticks.length - 1] ?? 1;
  const y = (ms: number): number => m.top + plotH - (Math.max(0, ms) / top) * plotH;

  const parts: string[] = [open, title];
  parts.push(`<text x="${m.left}" y="16" font-weight="600">http_req_duration by phase</text>`);
  SERIES.forEach((s, i) => {
    const x = width - m.right - (SERIES.length - i) * 56;
    parts.push(`<rect x="${x}" y="7" width="10" height="10" fill="${s.color}"/><text x="${x + 14}" y="16">${s.label}</text>`);
  });

  for (const t of ticks) {
    const ty = n(y(t));
    parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${ty}" y2="${ty}" stroke="#e8eaed"/>`);
    parts.push(`<text x="${m.left - 6}" y="${ty}" dy="4" text-anchor="end" fill="#5f6368">${escapeText(fmtTick(t))}</text>`);
  }
  parts.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + plotH}" stroke="#5f6368"/>`);
  parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${m.top + plotH}" y2="${m.top + plotH}" stroke="#5f6368"/>`);

  const groupW = plotW / rows.length;
  const pad = Math.min(24, groupW * 0.15);
  const barW = (groupW - 2 * pad) / SERIES.length;
  rows.forEach((row, gi) => {
    const gx = m.left + gi * groupW + pad;
    SERIES.forEach((s, si) => {
      const v = row[s.key];
      const by = y(v);
      const h = Math.max(0.5, m.top + plotH - by);
      parts.push(`<rect class="bar" x="${n(gx + si * barW + 1)}" y="${n(m.top + plotH - h)}" width="${n(Math.max(1, barW - 2))}" height="${n(h)}" fill="${s.color}"><title>${escapeText(`${row.phase} ${s.label}: ${v.toFixed(2)} ms`)}</title></rect>`);
    });
    parts.push(`<text x="${n(m.left + (gi + 0.5) * groupW)}" y="${m.top + plotH + 18}" text-anchor="middle">${escapeText(row.phase)}</text>`);
    if (row.p95ThresholdMs !== undefined) {
      const ty = n(y(row.p95ThresholdMs));
      const label = `p95 < ${fmtTick(row.p95ThresholdMs)}`;
      parts.push(`<line class="threshold" x1="${n(gx - pad / 2)}" x2="${n(gx + groupW - 1.5 * pad)}" y1="${ty}" y2="${ty}" stroke="#d93025" stroke-width="2" stroke-dasharray="6 4"><title>${escapeText(`threshold ${label}`)}</title></line>`);
      parts.push(`<text x="${n(gx + groupW - 1.5 * pad)}" y="${ty}" dy="-4" text-anchor="end" fill="#d93025" aria-label="${escapeAttr(label)}">${escapeText(label)}</text>`);
    }
  });
  parts.push('</svg>');
  return parts.join('');
}
