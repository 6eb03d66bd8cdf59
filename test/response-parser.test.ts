import { describe, expect, it } from 'vitest';
import { rawTarget } from '../src/net/load/raw-request.js';
import { DONE, FAILED, NEED_MORE, ResponseParser, type FeedResult } from '../src/net/load/response-parser.js';

interface Parsed { result: FeedResult; status: number; bytes: number; keepAlive: boolean; extra: boolean; error: string; untilClose: boolean }

/** Feeds `text` in pieces cut at `cuts`, through one reused read buffer as the socket does. */
function parse(text: string, cuts: readonly number[] = []): Parsed {
  const bytes = Buffer.from(text, 'latin1');
  const p = new ResponseParser();
  p.reset();
  const readBuf = Buffer.alloc(bytes.length + 64, 0x41);
  let result: FeedResult = NEED_MORE;
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    if (to <= from) continue;
    readBuf.fill(0x41);
    bytes.copy(readBuf, 0, from, to);
    result = p.feed(readBuf, 0, to - from);
    from = to;
    if (result !== NEED_MORE) break;
  }
  return { result, status: p.status, bytes: p.bytes, keepAlive: p.keepAlive, extra: p.extra, error: p.error, untilClose: p.untilClose };
}

const CHUNKED = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n'
  + '5;name=value\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: yes\r\n\r\n';

describe('ResponseParser', () => {
  it('parses a Content-Length response, whole and cut at every byte', () => {
    const text = 'HTTP/1.1 200 OK\r\nServer: t\r\ncontent-length: 20\r\n\r\n{"status":"healthy"}';
    expect(parse(text)).toMatchObject({ result: DONE, status: 200, bytes: 20, keepAlive: true, extra: false });
    for (let cut = 1; cut < text.length; cut++) {
      expect(parse(text, [cut]), `cut at ${cut}`).toMatchObject({ result: DONE, status: 200, bytes: 20, extra: false });
    }
    expect(parse(text, Array.from({ length: text.length }, (_, i) => i))).toMatchObject({ result: DONE, bytes: 20 });
  });

  it('parses chunked bodies with extensions and trailers, whole and cut at every byte', () => {
    expect(parse(CHUNKED)).toMatchObject({ result: DONE, status: 200, bytes: 31, keepAlive: true, extra: false });
    for (let cut = 1; cut < CHUNKED.length; cut++) {
      expect(parse(CHUNKED, [cut]), `cut at ${cut}`).toMatchObject({ result: DONE, bytes: 31 });
    }
    expect(parse(CHUNKED, Array.from({ length: CHUNKED.length }, (_, i) => i))).toMatchObject({ result: DONE, bytes: 31 });
  });

  it('skips 1xx interim responses and rejects an unasked-for 101', () => {
    const text = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok';
    expect(parse(text)).toMatchObject({ result: DONE, status: 201, bytes: 2 });
    expect(parse(text, [10, 30, 60])).toMatchObject({ result: DONE, status: 201, bytes: 2 });
    expect(parse('HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n')).toMatchObject({ result: FAILED, error: expect.stringMatching(/101/) });
  });

  it('knows 204 and 304 have no body, whatever their headers say', () => {
    expect(parse('HTTP/1.1 204 No Content\r\n\r\n')).toMatchObject({ result: DONE, status: 204, bytes: 0 });
    expect(parse('HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n')).toMatchObject({ result: DONE, status: 304, bytes: 0 });
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n')).toMatchObject({ result: DONE, status: 200, bytes: 0 });
  });

  it('reads Connection: close and HTTP/1.0 keep-alive rules', () => {
    expect(parse('HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 1\r\n\r\nx')).toMatchObject({ result: DONE, keepAlive: false });
    expect(parse('HTTP/1.1 200 OK\r\nConnection: upgrade, close\r\nContent-Length: 1\r\n\r\nx')).toMatchObject({ keepAlive: false });
    expect(parse('HTTP/1.1 200 OK\r\nX-Connection: close\r\nContent-Length: 1\r\n\r\nx')).toMatchObject({ keepAlive: true });
    expect(parse('HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx')).toMatchObject({ result: DONE, keepAlive: false });
    expect(parse('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx')).toMatchObject({ keepAlive: true });
  });

  it('without a length the body runs to the close', () => {
    expect(parse('HTTP/1.0 200 OK\r\n\r\nsome body')).toMatchObject({ result: NEED_MORE, status: 200, bytes: 9, untilClose: true, keepAlive: false });
    expect(parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nab')).toMatchObject({ result: NEED_MORE, untilClose: true, bytes: 2 });
  });

  it('flags bytes after a complete response (pipelining 1 expects none)', () => {
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.1')).toMatchObject({ result: DONE, extra: true, bytes: 1 });
  });

  it('fails on malformed heads and framing, with a reason', () => {
    const bad: [string, RegExp][] = [
      ['HTTX/1.1 200 OK\r\n\r\n', /status line/],
      ['HTTP/1.2 200 OK\r\n\r\n', /version/],
      ['HTTP/1.1 2x0 OK\r\n\r\n', /status code/],
      ['HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n', /content-length/],
      ['HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', /conflicting/],
      ['HTTP/1.1 200 OK\r\nno colon here\r\n\r\n', /header line/],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /chunk size/],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX', /CRLF/],
    ];
    for (const [text, reason] of bad) expect(parse(text), text).toMatchObject({ result: FAILED, error: expect.stringMatching(reason) });
  });

  it('refuses a head that never ends instead of buffering without bound', () => {
    const head = `HTTP/1.1 200 OK\r\n${'X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n'.repeat(2000)}`;
    const cuts = Array.from({ length: Math.ceil(head.length / 1000) }, (_, i) => i * 1000);
    expect(parse(head, cuts)).toMatchObject({ result: FAILED, error: expect.stringMatching(/too large/) });
  });
});

describe('rawTarget', () => {
  it('serializes the request once: line, host, headers, content-length and body', () => {
    const t = rawTarget('http://127.0.0.1:8080', { method: 'POST', path: '/api/x?y=1', headers: { authorization: 'Bearer s3cret', 'content-type': 'application/json' }, body: '{"é":1}' });
    expect(t).toMatchObject({ tls: false, host: '127.0.0.1', port: 8080, servername: undefined });
    expect(t!.request.toString('utf8')).toBe('POST /api/x?y=1 HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nauthorization: Bearer s3cret\r\n'
      + 'content-type: application/json\r\ncontent-length: 8\r\n\r\n{"é":1}');
    expect(rawTarget('http://127.0.0.1:1', { method: 'POST', path: '/' })!.request.toString()).toContain('content-length: 0\r\n');
    expect(rawTarget('http://127.0.0.1:1', { method: 'GET', path: '/' })!.request.toString()).toBe('GET / HTTP/1.1\r\nhost: 127.0.0.1:1\r\n\r\n');
  });

  it('knows the default ports, IPv6 literals and when to send SNI', () => {
    expect(rawTarget('https://localhost', { method: 'GET', path: '/' })).toMatchObject({ tls: true, host: 'localhost', port: 443, servername: 'localhost' });
    expect(rawTarget('https://[::1]:8443', { method: 'GET', path: '/' })).toMatchObject({ host: '::1', port: 8443, servername: undefined });
    expect(rawTarget('http://example.test', { method: 'GET', path: '/' })).toMatchObject({ port: 80 });
  });

  it('leaves framing and connection headers and invalid fields to undici', () => {
    for (const name of ['Content-Length', 'transfer-encoding', 'Connection', 'expect', 'upgrade']) {
      expect(rawTarget('http://127.0.0.1:1', { method: 'GET', path: '/', headers: { [name]: '1' } }), name).toBeUndefined();
    }
    expect(rawTarget('http://127.0.0.1:1', { method: 'GET', path: '/', headers: { 'x-a': 'one\r\nx-b: two' } })).toBeUndefined();
    expect(rawTarget('http://127.0.0.1:1', { method: 'GET', path: '/', headers: { 'bad name': 'v' } })).toBeUndefined();
    expect(rawTarget('http://127.0.0.1:1', { method: 'GET', path: '/a b' })).toBeUndefined();
  });
});
