/**
 * Trading signals as a pure function of the UTC day: the same call on the same
 * day gives the same answer, so checks and tests can pin values.
 */
import { fnv1a, mulberry32 } from './prng.js';
import { formatIsoDate } from './dates.js';

export const SIGNAL_SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOGL'] as const;
const ACTIONS = ['buy', 'sell', 'hold'] as const;

export interface Signal {
  symbol: string;
  action: (typeof ACTIONS)[number];
  confidence: number;
  as_of: string;
}

export function signalsFor(day: number): Signal[] {
  return SIGNAL_SYMBOLS.map((symbol) => {
    const rnd = mulberry32(fnv1a(`signal|${symbol}|${day}`));
    const action = ACTIONS[Math.floor(rnd() * ACTIONS.length)] ?? 'hold';
    return { symbol, action, confidence: Math.round(rnd() * 1000) / 1000, as_of: formatIsoDate(day) };
  });
}
