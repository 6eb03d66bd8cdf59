/**
 * The reference API's own view of its latency: from a request's arrival to its
 * last byte handed to the OS. This is the "truth" a client's numbers are held
 * against: the configured delay plus whatever the server's own event loop
 * added, which no client can be blamed for. Served at LATENCY_PATH (GET for a
 * snapshot, DELETE for a snapshot and a fresh start); those calls are not measured themselves.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { newHistogram } from '../core/metrics.js';

export const LATENCY_PATH = '/_reference/latency';

export interface LatencySnapshot {
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export function createServerLatency() {
  let hist = newHistogram();
  let max = 0;
  const pct = (p: number) => (hist.totalCount === 0 ? 0 : hist.getValueAtPercentile(p) / 1000);
  const snapshot = (): LatencySnapshot => ({
    count: hist.totalCount, p50: pct(50), p90: pct(90), p95: pct(95), p99: pct(99), max,
  });
  return {
    record(ms: number): void {
      hist.recordValue(Math.max(1, Math.round(ms * 1000)));
      if (ms > max) max = ms;
    },
    snapshot,
    serve(req: IncomingMessage, res: ServerResponse): void {
      req.resume();
      req.on('end', () => {
        // DELETE answers with what was measured up to now, then starts afresh.
        const body = JSON.stringify(snapshot());
        if (req.method === 'DELETE') {
          hist = newHistogram();
          max = 0;
        }
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
    },
  };
}
