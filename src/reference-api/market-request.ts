/** Validation of the POST /api/v1/data/market body; every reason names its field. */
import { parseIsoDate } from './dates.js';

export interface MarketRequest {
  symbol: string;
  startDay: number;
  endDay: number;
  start_date: string;
  end_date: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export const MAX_RANGE_DAYS = 366;
const SYMBOL_RE = /^[A-Z.-]{1,10}$/;

export function parseMarketRequest(bodyText: string): Parsed<MarketRequest> {
  const body = jsonObject(bodyText, 'valid JSON', 'symbol, start_date, end_date');
  if (!body.ok) return body;
  const { symbol, start_date: start, end_date: end } = body.value;
  if (typeof symbol !== 'string' || !SYMBOL_RE.test(symbol)) {
    return { ok: false, error: 'symbol: expected 1-10 characters from A-Z . -' };
  }
  const startDay = typeof start === 'string' ? parseIsoDate(start) : undefined;
  if (startDay === undefined) return { ok: false, error: 'start_date: expected a calendar date YYYY-MM-DD' };
  const endDay = typeof end === 'string' ? parseIsoDate(end) : undefined;
  if (endDay === undefined) return { ok: false, error: 'end_date: expected a calendar date YYYY-MM-DD' };
  if (startDay > endDay) return { ok: false, error: 'start_date: must not be after end_date' };
  if (endDay - startDay + 1 > MAX_RANGE_DAYS) {
    return { ok: false, error: `end_date: range from start_date must not exceed ${MAX_RANGE_DAYS} days` };
  }
  return { ok: true, value: { symbol, startDay, endDay, start_date: start as string, end_date: end as string } };
}

/** A request body that must be a JSON object; `fields` names what it should hold. */
export function jsonObject(bodyText: string, what: string, fields: string): Parsed<Record<string, unknown>> {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return { ok: false, error: `body: expected ${what}` };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, error: `body: expected a JSON object with ${fields}` };
  }
  return { ok: true, value: body as Record<string, unknown> };
}
