/**
 * One XY chart as inline SVG text: line and stacked-bar series, a linear or
 * log10 x axis, a y axis scaled to the data, an optional threshold line and
 * shaded bands (stages). A threshold far above the data does not squash the
 * curves to the floor: it is left off-scale and the chart says so. Pure.
 */
import { escapeAttr, escapeText } from '../text.js';
import { decadeTicks, linearScale, logScale, n1, niceTicks } from './scale.js';

export type Point = readonly [x: number, y: number | null];

export interface ChartSeries {
  name: string;
  /** CSS class on the series' element, for tests and styling */
  cls: string;
  color: string;
  points: readonly Point[];
  kind?: 'line' | 'bars';
  dash?: string;
}

export interface ChartSpec {
  title: string;
  cls: string;
  x: { label: string; log?: boolean; fmt: (v: number) => string; min?: number; max?: number; barWidth?: number };
  y: { label: string; fmt: (v: number) => string };
  series: readonly ChartSeries[];
  threshold?: { value: number; label: string };
  bands?: readonly { from: number; to: number; label: string }[];
  width?: number;
  height?: number;
}

const M = { left: 64, right: 16, top: 40, bottom: 44 };

/** The threshold is drawn when it is at most this many times the data's peak. */
const THRESHOLD_ON_SCALE_FACTOR = 2;

function extent(spec: ChartSpec): { xMin: number; xMax: number; yPeak: number } {
  const xs: number[] = [];
  let yPeak = 0;
  const stacks = new Map<number, number>();
  for (const s of spec.series) {
    for (const [x, y] of s.points) {
      xs.push(x);
      if (y === null) continue;
      if (s.kind === 'bars') {
        const v = (stacks.get(x) ?? 0) + y;
        stacks.set(x, v);
        yPeak = Math.max(yPeak, v);
      } else yPeak = Math.max(yPeak, y);
    }
  }
  const xMin = spec.x.min ?? (xs.length ? Math.min(...xs) : 0);
  const xMax = spec.x.max ?? (xs.length ? Math.max(...xs) : 1);
  return { xMin, xMax: xMax > xMin ? xMax : xMin + 1, yPeak };
}

function path(points: readonly Point[], x: (v: number) => number, y: (v: number) => number): string {
  let d = '';
  let pen = false;
  for (const [px, py] of points) {
    if (py === null) { pen = false; continue; }
    d += `${pen ? 'L' : 'M'}${n1(x(px))} ${n1(y(py))}`;
    pen = true;
  }
  return d;
}

export function renderChart(spec: ChartSpec): string {
  const width = spec.width ?? 760;
  const height = spec.height ?? 280;
  const plotBottom = height - M.bottom;
  const plotRight = width - M.right;
  const open = `<svg xmlns="http://www.w3.org/2000/svg" class="chart ${escapeAttr(spec.cls)}" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="11">`;
  const parts: string[] = [open, `<title>${escapeText(spec.title)}</title>`,
    `<text x="${M.left}" y="14" font-weight="600" font-size="13">${escapeText(spec.title)}</text>`];
  const hasData = spec.series.some((s) => s.points.some(([, y]) => y !== null));
  if (!hasData) {
    parts.push(`<text class="no-data" x="${width / 2}" y="${height / 2}" text-anchor="middle" fill="#5f6368">no samples</text></svg>`);
    return parts.join('');
  }
  const { xMin, xMax, yPeak } = extent(spec);
  const t = spec.threshold;
  const thresholdOnScale = t !== undefined && t.value <= Math.max(yPeak, 1e-9) * THRESHOLD_ON_SCALE_FACTOR;
  const yTicks = niceTicks(Math.max(yPeak, thresholdOnScale && t ? t.value : 0) || 1);
  const yTop = yTicks[yTicks.length - 1] ?? 1;
  const x = spec.x.log ? logScale(Math.max(1, xMin), xMax, M.left, plotRight) : linearScale(xMin, xMax, M.left, plotRight);
  const y = linearScale(0, yTop, plotBottom, M.top);

  for (const b of spec.bands ?? []) {
    const bx = x(Math.max(xMin, b.from));
    const bw = Math.max(1, x(Math.min(xMax, b.to)) - bx);
    parts.push(`<rect class="band" x="${n1(bx)}" y="${M.top}" width="${n1(bw)}" height="${n1(plotBottom - M.top)}" fill="#f1f3f4" stroke="#dadce0"><title>${escapeText(b.label)}</title></rect>`);
    parts.push(`<text class="band-label" x="${n1(bx + 3)}" y="${M.top + 11}" fill="#5f6368">${escapeText(b.label)}</text>`);
  }
  for (const v of yTicks) {
    const ty = n1(y(v));
    parts.push(`<line x1="${M.left}" x2="${plotRight}" y1="${ty}" y2="${ty}" stroke="#e8eaed"/>`);
    parts.push(`<text x="${M.left - 6}" y="${ty}" dy="4" text-anchor="end" fill="#5f6368">${escapeText(spec.y.fmt(v))}</text>`);
  }
  const xTicks = spec.x.log ? decadeTicks(xMax) : niceTicks(xMax - xMin, 8).map((v) => v + xMin).filter((v) => v <= xMax);
  for (const v of xTicks) {
    const tx = n1(x(v));
    parts.push(`<line x1="${tx}" x2="${tx}" y1="${plotBottom}" y2="${plotBottom + 4}" stroke="#5f6368"/>`);
    parts.push(`<text x="${tx}" y="${plotBottom + 16}" text-anchor="middle" fill="#5f6368">${escapeText(spec.x.fmt(v))}</text>`);
  }
  parts.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${plotBottom}" stroke="#5f6368"/>`);
  parts.push(`<line x1="${M.left}" x2="${plotRight}" y1="${plotBottom}" y2="${plotBottom}" stroke="#5f6368"/>`);
  parts.push(`<text x="${(M.left + plotRight) / 2}" y="${height - 6}" text-anchor="middle" fill="#5f6368">${escapeText(spec.x.label)}</text>`);
  parts.push(`<text transform="translate(12 ${(M.top + plotBottom) / 2}) rotate(-90)" text-anchor="middle" fill="#5f6368">${escapeText(spec.y.label)}</text>`);

  const stacks = new Map<number, number>();
  const barW = Math.max(1, (spec.x.barWidth ?? 1) / Math.max(1e-9, xMax - xMin) * (plotRight - M.left) - 1);
  for (const s of spec.series) {
    if (s.kind === 'bars') {
      const rects: string[] = [];
      for (const [px, py] of s.points) {
        if (py === null || py <= 0) continue;
        const base = stacks.get(px) ?? 0;
        stacks.set(px, base + py);
        rects.push(`<rect x="${n1(x(px))}" y="${n1(y(base + py))}" width="${n1(barW)}" height="${n1(Math.max(0.5, y(base) - y(base + py)))}"/>`);
      }
      parts.push(`<g class="series ${escapeAttr(s.cls)}" fill="${escapeAttr(s.color)}" data-points="${rects.length}"><title>${escapeText(s.name)}</title>${rects.join('')}</g>`);
    } else {
      const d = path(s.points, x, y);
      const count = s.points.filter(([, py]) => py !== null).length;
      parts.push(`<path class="series ${escapeAttr(s.cls)}" data-points="${count}" d="${d}" fill="none" stroke="${escapeAttr(s.color)}" stroke-width="1.8"${s.dash ? ` stroke-dasharray="${escapeAttr(s.dash)}"` : ''}><title>${escapeText(s.name)}</title></path>`);
    }
  }
  if (t && thresholdOnScale) {
    const ty = n1(y(t.value));
    parts.push(`<line class="threshold" x1="${M.left}" x2="${plotRight}" y1="${ty}" y2="${ty}" stroke="#d93025" stroke-width="1.5" stroke-dasharray="6 4"><title>${escapeText(t.label)}</title></line>`);
    parts.push(`<text class="threshold-label" x="${plotRight - 4}" y="${ty}" dy="-4" text-anchor="end" fill="#d93025">${escapeText(t.label)}</text>`);
  } else if (t) {
    // Every point far under the limit is good news: said in the muted colour, never the red of a failure.
    parts.push(`<text class="threshold-offscale" x="${plotRight - 4}" y="${M.top + 12}" text-anchor="end" fill="#5f6368">${escapeText(`↑ ${t.label}: off-scale (${spec.y.fmt(t.value)} is far above this axis, every point well under it)`)}</text>`);
  }
  // Legend on the line under the title.
  let lx = M.left;
  for (const s of spec.series) {
    parts.push(`<rect x="${n1(lx)}" y="24" width="12" height="3" fill="${escapeAttr(s.color)}"/><text x="${n1(lx + 15)}" y="29" fill="#3c4043">${escapeText(s.name)}</text>`);
    lx += 24 + s.name.length * 6;
  }
  parts.push('</svg>');
  return parts.join('');
}
