/**
 * Benchmark targets that run in their own process, so they never share an
 * event loop with a load generator. Each prints `{"port":N}` once listening
 * and stays up until SIGTERM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startReferenceApi, type LatencySpec } from '../../src/reference-api/server.js';

export const HEALTH_BODY = '{"status":"healthy","service":"bench"}';

export type TargetSpec =
  | { kind: 'node-min' }
  | { kind: 'reference'; latency: LatencySpec };

/** A minimal node:http server: the fastest a Node target gets. */
async function startMinimal(): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer({ keepAlive: true }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': HEALTH_BODY.length });
    res.end(HEALTH_BODY);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}

export async function runTargetChild(spec: TargetSpec, out: NodeJS.WritableStream): Promise<void> {
  const target = spec.kind === 'node-min'
    ? await startMinimal()
    : await startReferenceApi({ port: 0, token: 'bench-token', latency: spec.latency });
  out.write(`${JSON.stringify({ port: target.port })}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
    // An orphaned target must not outlive the bench: its stdin closes with it.
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
    process.stdin.resume();
  });
  await target.close();
}
