/**
 * A node:http server on port 0 that answers each `METHOD /path` with exactly
 * the status, headers and body bytes a case needs, and counts what it was
 * asked (so a test can prove "no request was sent").
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** a string is sent as is; anything else as JSON */
  body?: unknown;
  delayMs?: number;
}

export type Script = Record<string, Reply | ((seen: Seen) => Reply)>;

export interface ScriptedServer {
  url: string;
  seen: Seen[];
  count(key?: string): number;
  close(): Promise<void>;
}

export async function scriptedServer(script: Script): Promise<ScriptedServer> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(s);
      const path = s.url.split('?')[0] ?? '';
      const entry = script[`${s.method} ${path}`];
      const reply = typeof entry === 'function' ? entry(s) : entry ?? { status: 404, body: { error: 'no route' } };
      const text = typeof reply.body === 'string' ? reply.body : reply.body === undefined ? '' : JSON.stringify(reply.body);
      const send = () => {
        res.writeHead(reply.status ?? 200, { 'content-type': typeof reply.body === 'string' ? 'text/plain' : 'application/json', ...reply.headers });
        res.end(text);
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    count: (key) => (key === undefined ? seen.length : seen.filter((s) => `${s.method} ${s.url.split('?')[0] ?? ''}` === key).length),
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
