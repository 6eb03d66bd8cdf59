/**
 * Deterministic daily OHLCV bars: each bar is a pure function of (symbol, date),
 * so any sub-range of a request returns exactly the bars of the larger range.
 * One bar per calendar day (weekends included): the bar count of a range is
 * simply its length in days, which keeps the checks and tests predictable.
 */
import { fnv1a, mulberry32 } from './prng.js';
import { formatIsoDate } from './dates.js';

export interface Bar {
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** Slow price level: a symbol-specific base moved by two symbol-phased waves. */
function levelCents(symbol: string, day: number): number {
  const rnd = mulberry32(fnv1a(`level|${symbol}`));
  const base = 2_000 + rnd() * 48_000; // $20 .. $500
  const phase1 = rnd() * 2 * Math.PI;
  const phase2 = rnd() * 2 * Math.PI;
  const wave = 0.2 * Math.sin((2 * Math.PI * day) / 97 + phase1) + 0.08 * Math.sin((2 * Math.PI * day) / 23 + phase2);
  return base * Math.exp(wave);
}

/** The bar of one day. Prices are computed in integer cents so the invariants survive rounding. */
export function barFor(symbol: string, day: number): Bar {
  const rnd = mulberry32(fnv1a(`bar|${symbol}|${day}`));
  const openC = Math.max(1, Math.round(levelCents(symbol, day) * (1 + (rnd() - 0.5) * 0.01)));
  const closeC = Math.max(1, Math.round(levelCents(symbol, day + 1) * (1 + (rnd() - 0.5) * 0.01)));
  const top = Math.max(openC, closeC);
  const bottom = Math.min(openC, closeC);
  const highC = top + Math.floor(rnd() * top * 0.015);
  const lowC = Math.max(1, bottom - Math.floor(rnd() * bottom * 0.015));
  const volume = Math.floor(500_000 + rnd() * 9_500_000);
  return { date: formatIsoDate(day), open: openC / 100, high: highC / 100, low: lowC / 100, close: closeC / 100, volume };
}

/** Bars for every day from `startDay` to `endDay` inclusive, ascending. */
export function barsFor(symbol: string, startDay: number, endDay: number): Bar[] {
  const bars: Bar[] = [];
  for (let day = startDay; day <= endDay; day++) bars.push(barFor(symbol, day));
  return bars;
}

/**
 * What `--bad-schema` serves: prices as strings and `high` missing, the kind of
 * drift a serializer change causes. The envelope stays plausible on purpose, so
 * only a real schema check catches it.
 */
export function malformBars(bars: readonly Bar[]): Array<Record<string, unknown>> {
  return bars.map((b) => ({ date: b.date, open: b.open.toFixed(2), low: b.low.toFixed(2), close: b.close.toFixed(2), volume: b.volume }));
}
