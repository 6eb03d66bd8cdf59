/**
 * Parsers for the peers' outputs (pure: text in, numbers out). Each returns
 * the same shape so the table treats every tool alike; a field a tool does
 * not print is undefined, never guessed.
 */

export interface PeerResult {
  requests: number;
  rps: number;
  /** responses outside 2xx (ab: non-2xx; wrk: non-2xx/3xx) plus failed requests */
  errors: number;
  p50?: number;
  p95?: number;
  p99?: number;
}

export class ParseError extends Error {
  constructor(tool: string, what: string) {
    super(`could not read ${what} from ${tool} output`);
  }
}

function num(text: string, re: RegExp, tool: string, what: string): number {
  const m = re.exec(text);
  if (!m?.[1]) throw new ParseError(tool, what);
  return Number(m[1]);
}

function optNum(text: string, re: RegExp): number | undefined {
  const m = re.exec(text);
  return m?.[1] ? Number(m[1]) : undefined;
}

/** `ab -k` text output; its percentiles are whole milliseconds. */
export function parseAb(text: string): PeerResult {
  const pct = (p: number) => optNum(text, new RegExp(`^\\s*${p}%\\s+(\\d+)`, 'm'));
  const failed = optNum(text, /^Failed requests:\s+(\d+)/m) ?? 0;
  const non2xx = optNum(text, /^Non-2xx responses:\s+(\d+)/m) ?? 0;
  return {
    requests: num(text, /^Complete requests:\s+(\d+)/m, 'ab', 'Complete requests'),
    rps: num(text, /^Requests per second:\s+([\d.]+)/m, 'ab', 'Requests per second'),
    errors: failed + non2xx,
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
  };
}

const WRK_UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A wrk duration like `234.00us`, `3.90ms`, `1.02s`, in milliseconds. */
export function wrkDurationMs(value: string): number {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(value.trim());
  if (!m?.[1] || !m[2]) throw new ParseError('wrk', `a duration (got ${JSON.stringify(value)})`);
  return Number(m[1]) * (WRK_UNITS[m[2]] ?? NaN);
}

/** `wrk --latency` output: it reports p50/p75/p90/p99, not p95. */
export function parseWrk(text: string): PeerResult {
  const pct = (p: number) => {
    const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+(?:us|ms|s|m|h))\\s*$`, 'm').exec(text);
    return m?.[1] ? wrkDurationMs(m[1]) : undefined;
  };
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const socketErrors = socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  return {
    requests: num(text, /^\s*(\d+) requests in /m, 'wrk', 'the request count'),
    rps: num(text, /^Requests\/sec:\s+([\d.]+)/m, 'wrk', 'Requests/sec'),
    errors: (optNum(text, /Non-2xx or 3xx responses:\s+(\d+)/) ?? 0) + socketErrors,
    p50: pct(50),
    p99: pct(99),
  };
}

/** `autocannon --json`: requests.total over duration (seconds); percentiles in ms. */
export function parseAutocannon(text: string): PeerResult {
  let data: unknown;
  try {
    data = JSON.parse(text.trim().split('\n').filter((l) => l.startsWith('{')).pop() ?? '');
  } catch {
    throw new ParseError('autocannon', 'the JSON result');
  }
  const d = data as {
    duration?: number; errors?: number; timeouts?: number; non2xx?: number;
    requests?: { total?: number }; latency?: { p50?: number; p99?: number };
  };
  const total = d.requests?.total;
  if (typeof total !== 'number' || typeof d.duration !== 'number' || d.duration <= 0) {
    throw new ParseError('autocannon', 'requests.total and duration');
  }
  return {
    requests: total,
    rps: total / d.duration,
    errors: (d.errors ?? 0) + (d.non2xx ?? 0),
    p50: d.latency?.p50,
    p99: d.latency?.p99,
  };
}
