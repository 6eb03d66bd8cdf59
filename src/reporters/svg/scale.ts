/** Axis arithmetic for the report's SVG charts: nice ticks, linear and log10 scales. Pure. */

/** Axis steps of 1, 2 or 5 × 10^k, about `count` of them from 0 up to at least `max`. */
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

/** Powers of ten from 1 up to at least `max` (for the "1 in N" percentile axis). */
export function decadeTicks(max: number): number[] {
  const top = Math.max(10, 10 ** Math.ceil(Math.log10(Math.max(1, max))));
  const out: number[] = [];
  for (let v = 1; v <= top * 1.0000001; v *= 10) out.push(Math.round(v));
  return out;
}

export interface Scale {
  (v: number): number;
  readonly min: number;
  readonly max: number;
}

export function linearScale(min: number, max: number, from: number, to: number): Scale {
  const span = max - min || 1;
  const f = (v: number): number => from + ((v - min) / span) * (to - from);
  return Object.assign(f, { min, max });
}

export function logScale(min: number, max: number, from: number, to: number): Scale {
  const lo = Math.log10(Math.max(min, 1e-9));
  const span = Math.log10(Math.max(max, min * 10)) - lo || 1;
  const f = (v: number): number => from + ((Math.log10(Math.max(v, 1e-9)) - lo) / span) * (to - from);
  return Object.assign(f, { min, max });
}

/** Milliseconds for an axis label: 3 significant digits, seconds from 1 s. */
export function fmtMsTick(ms: number): string {
  if (ms >= 1000) return `${Number((ms / 1000).toPrecision(3))}s`;
  return `${Number(ms.toPrecision(3))}ms`;
}

/** Percentile for a "1 in N" position: 1 -> 0%, 10 -> 90%, 100 -> 99%, ... */
export function percentileLabel(oneIn: number): string {
  if (oneIn <= 1) return '0%';
  const p = 100 * (1 - 1 / oneIn);
  return `${Number(p.toPrecision(Math.max(2, Math.ceil(Math.log10(oneIn)) + 1)))}%`;
}

export function fmtCount(v: number): string {
  if (v >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (v >= 1e3) return `${Number((v / 1e3).toPrecision(3))}k`;
  return `${Number(v.toPrecision(3))}`;
}

/** One decimal is plenty for SVG coordinates and keeps the file small. */
export const n1 = (v: number): string => (Math.round(v * 10) / 10).toString();
