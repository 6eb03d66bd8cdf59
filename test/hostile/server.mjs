#!/usr/bin/env node
/**
 * A hostile target of our own, in its own process (its timers and memory are
 * never golive's): `node server.mjs MODE` listens on 127.0.0.1 port 0, prints
 * `listening on http://127.0.0.1:PORT`, and serves every path the MODE's way.
 * GET /__stats answers {"requests": n} (not counted), so a test can see
 * whether a process it killed is still loading the target.
 *
 * Modes (the defects of issue 12 they reproduce):
 *   ok           healthy answers, valid market data, 401 without a token, 5 ms each
 *   slow         like ok, every answer after 200 ms (a run to interrupt mid-load)
 *   drip         headers, then one body byte every 500 ms, forever
 *   endless      headers, then an endless fast body (no content-length)
 *   huge         a 600 MB body with content-length, as fast as the socket takes it
 *   deep-json    health ok; market data whose `symbol` is nested 100k arrays deep
 *   long-status  health answers 503 with a 3 MB status string (under the default body cap)
 *   control      health ok, market data whose symbol and error strings carry ESC, OSC, C1, NUL and bidi overrides
 *   continue     like ok, each answer after an unasked-for `100 Continue` and a `102 Processing`
 *   gzip         like ok, every body gzip-coded (content-encoding: gzip)
 *   sink-control every request answers 500 with terminal escapes in the body (a hostile sink)
 *   redirect     every request answers 302 to /__capture, which counts arrivals carrying
 *                an Authorization header (GET /__stats: {"captured": n})
 *
 * Legal but unusual HTTP (issue 27), served byte for byte by a `net` server:
 *   keepalive-3   like ok, keep-alive, but each connection is closed (FIN, no
 *                 `Connection: close`) right after its third response
 *   stale-always  the first request on odd-numbered connections is answered like ok;
 *                 every other request is met by a close before any byte (so every
 *                 reused connection fails, and so does the fresh one it is resent on)
 */
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { gzipSync } from 'node:zlib';

const mode = process.argv[2] ?? 'ok';
const HOSTILE = '\u001b[2J\u001b]0;pwned\u0007\u0000\u009b31m\u202eevil\u202c\u2066x\u2069';
let requests = 0;
let captured = 0;

const json = (res, status, body) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

function market(req, res, body, symbol) {
  if (!/^Bearer \S+$/.test(req.headers.authorization ?? '')) return json(res, 401, { error: 'unauthorized' });
  let q;
  try { q = JSON.parse(body); } catch { return json(res, 400, { error: 'bad json' }); }
  const bar = { date: q.start_date, open: 10, high: 12, low: 9, close: 11, volume: 100 };
  return json(res, 200, { symbol: symbol ?? q.symbol, start_date: q.start_date, end_date: q.end_date, bars: [bar] });
}

function answerOk(req, res, body) {
  if (req.url === '/api/v1/data/market') return market(req, res, body);
  return json(res, 200, { status: 'healthy' });
}

const MODES = {
  ok: answerOk,
  slow: (req, res, body) => { setTimeout(() => answerOk(req, res, body), 200); },
  drip: (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{');
    const t = setInterval(() => res.write(' '), 500);
    res.on('close', () => clearInterval(t));
  },
  endless: (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => { while (res.write(chunk)); };
    res.on('drain', pump);
    res.on('close', () => res.off('drain', pump));
    pump();
  },
  huge: (_req, res) => {
    const total = 600 * 1024 * 1024;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': total });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!res.write(chunk)) return;
      }
      res.end();
    };
    res.on('drain', pump);
    pump();
  },
  'deep-json': (req, res, body) => {
    if (req.url !== '/api/v1/data/market') return answerOk(req, res, body);
    if (!/^Bearer \S+$/.test(req.headers.authorization ?? '')) return json(res, 401, { error: 'unauthorized' });
    const depth = 100_000;
    const text = `{"symbol":${'['.repeat(depth)}${']'.repeat(depth)},"start_date":"2025-09-01","end_date":"2025-09-03","bars":[]}`;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': text.length });
    res.end(text);
  },
  'long-status': (req, res) => json(res, 503, { status: `down ${'x'.repeat(3 * 1024 * 1024)}` }),
  control: (req, res, body) => {
    if (req.url === '/api/v1/data/market') return market(req, res, body, `AAPL${HOSTILE}`);
    return json(res, 200, { status: `degraded${HOSTILE}` });
  },
  redirect: (req, res) => {
    res.writeHead(302, { location: `http://127.0.0.1:${server.address().port}/__capture?from=${encodeURIComponent(req.url)}`, 'content-length': 0 });
    res.end();
  },
  continue: (req, res, body) => {
    res.writeContinue();
    res.writeProcessing();
    answerOk(req, res, body);
  },
  gzip: (req, res, body) => {
    const [status, answer] = okAnswer(req.method, req.url, req.headers, body);
    const z = gzipSync(JSON.stringify(answer));
    res.writeHead(status, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': z.length });
    res.end(z);
  },
  'sink-control': (_req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`boom${HOSTILE}`);
  },
};

/** The answers of `ok`, as [status, body], for the byte-level modes. */
function okAnswer(method, url, headers, body) {
  if (url === '/__stats') return [200, { requests, captured }];
  if (url !== '/api/v1/data/market') return [200, { status: 'healthy' }];
  if (!/^Bearer \S+$/.test(headers.authorization ?? '')) return [401, { error: 'unauthorized' }];
  let q;
  try { q = JSON.parse(body); } catch { return [400, { error: 'bad json' }]; }
  const bar = { date: q.start_date, open: 10, high: 12, low: 9, close: 11, volume: 100 };
  return [200, { symbol: q.symbol, start_date: q.start_date, end_date: q.end_date, bars: [bar] }];
}

function okBytes(answer) {
  const text = JSON.stringify(answer[1]);
  return `HTTP/1.1 ${answer[0]} X\r\nconnection: keep-alive\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`;
}

/** Requests off a socket, one at a time: (socket, request, index on this connection). */
function rawRequests(socket, onRequest) {
  let buf = Buffer.alloc(0);
  let n = 0;
  socket.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
      const [method, url] = lines[0].split(' ');
      const headers = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      const length = Number(headers['content-length'] ?? 0);
      if (buf.length < end + 4 + length) return;
      const body = buf.subarray(end + 4, end + 4 + length).toString('utf8');
      buf = buf.subarray(end + 4 + length);
      if (url !== '/__stats') requests++;
      onRequest({ method, url, headers, body }, n++);
      if (socket.destroyed) return;
    }
  });
  socket.on('error', () => undefined);
}

let accepted = 0;
const RAW_MODES = {
  'keepalive-3': (socket) => rawRequests(socket, (r, i) => {
    const bytes = okBytes(okAnswer(r.method, r.url, r.headers, r.body));
    if (i === 2) socket.end(bytes);
    else socket.write(bytes);
  }),
  'stale-always': (socket) => {
    const answers = accepted++ % 2 === 0;
    rawRequests(socket, (r, i) => {
      if (r.url === '/__stats') return socket.end(okBytes(okAnswer(r.method, r.url, r.headers, r.body)));
      if (answers && i === 0) socket.write(okBytes(okAnswer(r.method, r.url, r.headers, r.body)));
      else socket.destroy();
    });
  },
};

const raw = RAW_MODES[mode];
const handle = MODES[mode];
if (raw) {
  const server = createNetServer(raw);
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
  });
  process.on('SIGTERM', () => process.exit(0));
} else if (!handle) {
  process.stderr.write(`unknown mode ${mode}: expected one of ${[...Object.keys(MODES), ...Object.keys(RAW_MODES)].join(', ')}\n`);
  process.exit(2);
}

const server = raw ? undefined : createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.url === '/__stats') return json(res, 200, { requests, captured });
    if (req.url?.startsWith('/__capture')) {
      if (req.headers.authorization) captured++;
      return json(res, 200, { status: 'healthy' });
    }
    requests++;
    handle(req, res, Buffer.concat(chunks).toString('utf8'));
  });
});
if (server) {
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
  });
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
