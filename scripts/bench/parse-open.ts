/** Parsers for the open model's peers (pure: text in, numbers out). */
import { ParseError, type PeerResult } from './parse.js';

type Values = Record<string, number | undefined>;

/**
 * k6's own request rate from its summary metrics: http_reqs over k6's test run
 * (start-up and the outputs' last flush excluded), the same definition for a
 * run with and without an output. NaN when absent.
 */
export function k6OwnRate(metrics: Record<string, { values?: Values } | undefined>): number {
  return metrics['http_reqs']?.values?.['rate'] ?? NaN;
}

/** k6's handleSummary metrics JSON (one line): durations in ms; `k6Rate` is k6's own (k6OwnRate). */
export function parseK6Summary(stdout: string, seconds: number): PeerResult & { dropped: number; k6Rate: number } {
  const line = stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (!line) throw new ParseError('k6', 'the summary JSON');
  const m = JSON.parse(line) as Record<string, { values?: Values } | undefined>;
  const v = (name: string): Values => m[name]?.values ?? {};
  const requests = v('http_reqs').count;
  const d = v('http_req_duration');
  if (requests === undefined || d.med === undefined) throw new ParseError('k6', 'http_reqs and http_req_duration');
  const failed = v('http_req_failed');
  return {
    requests,
    rps: requests / seconds,
    errors: failed.passes ?? 0,
    p50: d.med,
    p95: d['p(95)'],
    p99: d['p(99)'],
    dropped: v('dropped_iterations').count ?? 0,
    k6Rate: k6OwnRate(m),
  };
}

/** `vegeta report -type=json`: latencies in ns; arrivals it did not send count as dropped. */
export function parseVegetaReport(stdout: string, asked: number): PeerResult & { dropped: number } {
  const r = JSON.parse(stdout) as { requests?: number; rate?: number; success?: number; latencies?: Record<string, number>; duration?: number };
  if (r.requests === undefined || r.latencies === undefined) throw new ParseError('vegeta', 'requests and latencies');
  const ms = (ns: number | undefined): number | undefined => (ns === undefined ? undefined : ns / 1e6);
  return {
    requests: r.requests,
    rps: r.rate ?? NaN,
    errors: Math.round(r.requests * (1 - (r.success ?? 1))),
    p50: ms(r.latencies['50th']),
    p95: ms(r.latencies['95th']),
    p99: ms(r.latencies['99th']),
    dropped: Math.max(0, Math.round(asked) - r.requests),
  };
}
