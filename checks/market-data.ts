/**
 * The runbook's "Functionality Testing": POST /api/v1/data/market returns valid
 * market data. A schema check for the shape plus sanity rules for the values;
 * each rule reads the body leniently so it can fail on its own, naming the
 * first offending bar and field.
 */
import { z } from 'zod';
import { describeIssue, fail, parseBody, pass, preview, statusReason, typeName } from './outcome.js';
import type { CheckOutcome } from './outcome.js';
import { notRunReason, tokenRejected } from './causes.js';

const isoDate = z.iso.date();

export const barSchema = z.looseObject({
  date: isoDate,
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number().int().nonnegative(),
});

const barsSchema = z.array(barSchema);

export const marketDataSchema = z.looseObject({
  symbol: z.string().min(1),
  start_date: isoDate,
  end_date: isoDate,
  interval: z.string().optional(),
  bars: z.array(barSchema),
});
export type MarketData = z.infer<typeof marketDataSchema>;
export type Bar = z.infer<typeof barSchema>;

export interface MarketDataRequest {
  symbol: string;
  start_date: string;
  end_date: string;
}

export const MARKET_CHECKS = {
  status: 'status is 200',
  schema: 'body matches schema',
  symbol: 'symbol echoed',
  range: 'bars inside date range',
  sorted: 'bars sorted by date',
  ohlc: 'OHLC consistent',
  volume: 'volume >= 0',
  nonEmpty: 'at least one bar',
  authRefused: 'unauthenticated call refused',
} as const;

type Row = Record<string, unknown>;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function num(bar: Row, key: string): number | undefined {
  const v = bar[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function date(bar: Row): string | undefined {
  const v = bar['date'];
  return typeof v === 'string' && DATE.test(v) ? v : undefined;
}

function asRow(v: unknown): Row | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Row) : undefined;
}

/** Bars that are objects, with their index; fields of the wrong type are left to the schema check. */
function rows(bars: readonly unknown[]): [number, Row][] {
  const out: [number, Row][] = [];
  bars.forEach((b, i) => {
    const r = asRow(b);
    if (r) out.push([i, r]);
  });
  return out;
}

function schemaOutcome(body: unknown): CheckOutcome {
  const r = marketDataSchema.safeParse(body);
  if (r.success) return pass(MARKET_CHECKS.schema);
  const issue = r.error.issues[0];
  return fail(MARKET_CHECKS.schema, issue ? describeIssue(issue, body) : 'body: not market data');
}

/** The first schema issue inside the bars, if any: the bar rules cannot judge fields they cannot read. */
function barsUnreadable(bars: unknown[]): string | undefined {
  const r = barsSchema.safeParse(bars);
  const issue = r.success ? undefined : r.error.issues[0];
  return r.success ? undefined : issue ? describeIssue({ ...issue, path: ['bars', ...issue.path] }, { bars }) : 'bars';
}

function symbolOutcome(req: MarketDataRequest, doc: Row | undefined): CheckOutcome {
  const got = doc?.['symbol'];
  // Symbols are case-insensitive tickers; a service may normalise `aapl` to `AAPL`.
  if (typeof got === 'string' && got.trim().toUpperCase() === req.symbol.trim().toUpperCase()) return pass(MARKET_CHECKS.symbol);
  return fail(MARKET_CHECKS.symbol, `symbol: expected ${JSON.stringify(req.symbol)}, got ${preview(got)}`);
}

function rangeOutcome(req: MarketDataRequest, bars: [number, Row][]): CheckOutcome {
  for (const [i, bar] of bars) {
    const d = date(bar);
    if (d !== undefined && (d < req.start_date || d > req.end_date)) {
      return fail(MARKET_CHECKS.range, `bars[${i}].date: ${d} is outside ${req.start_date}..${req.end_date}`);
    }
  }
  return pass(MARKET_CHECKS.range);
}

/** Non-decreasing: intraday intervals repeat a date. */
function sortedOutcome(bars: [number, Row][]): CheckOutcome {
  let prev: string | undefined;
  for (const [i, bar] of bars) {
    const d = date(bar);
    if (d === undefined) continue;
    if (prev !== undefined && d < prev) return fail(MARKET_CHECKS.sorted, `bars[${i}].date: ${d} comes after ${prev}`);
    prev = d;
  }
  return pass(MARKET_CHECKS.sorted);
}

/** high >= max(open, close) >= min(open, close) >= low */
function ohlcOutcome(bars: [number, Row][]): CheckOutcome {
  for (const [i, bar] of bars) {
    const [o, h, l, c] = [num(bar, 'open'), num(bar, 'high'), num(bar, 'low'), num(bar, 'close')];
    if (o === undefined || h === undefined || l === undefined || c === undefined) continue;
    const top = Math.max(o, c);
    const bottom = Math.min(o, c);
    if (h < top) return fail(MARKET_CHECKS.ohlc, `bars[${i}].high: ${h} is below max(open, close)=${top}`);
    if (l > bottom) return fail(MARKET_CHECKS.ohlc, `bars[${i}].low: ${l} is above min(open, close)=${bottom}`);
  }
  return pass(MARKET_CHECKS.ohlc);
}

function volumeOutcome(bars: [number, Row][]): CheckOutcome {
  for (const [i, bar] of bars) {
    const v = num(bar, 'volume');
    if (v !== undefined && v < 0) return fail(MARKET_CHECKS.volume, `bars[${i}].volume: ${v} is negative`);
  }
  return pass(MARKET_CHECKS.volume);
}

/** The status check; a refusal of the user's own token says so, naming what the target answered. */
function statusOutcome(status: number, body: unknown, location?: string): CheckOutcome {
  if (status === 200) return pass(MARKET_CHECKS.status);
  const why = statusReason(status, location, body);
  return fail(MARKET_CHECKS.status, status === 401 || status === 403 ? tokenRejected(why) : why);
}

const BAR_RULES = [MARKET_CHECKS.range, MARKET_CHECKS.sorted, MARKET_CHECKS.ohlc, MARKET_CHECKS.volume] as const;

/**
 * Always the same eight outcomes, in this order, so reports list stable check
 * names. One cause gives one failure: a wrong status leaves the body unjudged
 * (every other check "not run"), and bars the schema could not read leave the
 * bar rules "not run" rather than pass vacuously on fields of the wrong type.
 */
export function checkMarketData(request: MarketDataRequest, status: number, body: unknown, location?: string): CheckOutcome[] {
  const head = statusOutcome(status, body, location);
  const rest = [MARKET_CHECKS.schema, MARKET_CHECKS.symbol, ...BAR_RULES, MARKET_CHECKS.nonEmpty];
  if (!head.ok) return [head, ...rest.map((name) => fail(name, notRunReason(`status is ${status}, not 200`)))];
  const parsed = parseBody(body);
  const value = parsed.ok ? parsed.value : undefined;
  const doc = asRow(value);
  const rawBars = doc?.['bars'];
  if (!Array.isArray(rawBars)) {
    const why = !parsed.ok ? parsed.reason
      : doc === undefined ? `body: expected object, got ${typeName(value)}`
      : `bars: expected array, got ${rawBars === undefined ? 'nothing' : typeName(rawBars)}`;
    return [
      head,
      parsed.ok ? schemaOutcome(value) : fail(MARKET_CHECKS.schema, parsed.reason),
      parsed.ok ? symbolOutcome(request, doc) : fail(MARKET_CHECKS.symbol, notRunReason(why)),
      ...[...BAR_RULES, MARKET_CHECKS.nonEmpty].map((name) => fail(name, notRunReason(why))),
    ];
  }
  const schema = schemaOutcome(value);
  const bars = rows(rawBars);
  const barRules = barsUnreadable(rawBars) === undefined
    ? [rangeOutcome(request, bars), sortedOutcome(bars), ohlcOutcome(bars), volumeOutcome(bars)]
    : BAR_RULES.map((name) => fail(name, notRunReason('the bars do not match the schema')));
  return [
    head,
    schema,
    symbolOutcome(request, doc),
    ...barRules,
    rawBars.length > 0 ? pass(MARKET_CHECKS.nonEmpty) : fail(MARKET_CHECKS.nonEmpty, 'bars: empty'),
  ];
}
