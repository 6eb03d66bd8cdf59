// The edge phase against real TLS servers on loopback with certificates made
// by openssl in the test: the verdicts of `golive check --phases edge` for a
// good chain, a leaf or an intermediate about to expire, an expired leaf, a
// wrong host, a self-signed certificate, TLS 1.1, and the redirect and HSTS cases.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceApi, type ReferenceApi } from '../src/reference-api/server.js';
import { TestPki, type Issuer, type Leaf } from './support/certs.js';
import { runEdge } from './support/edge.js';
import { k6Binary } from './support/k6.js';

const TOKEN = 'edge-test-token';
const YEAR = 31_536_000;

let dir: string;
let pki: TestPki;
let inter: Issuer;
let good: Leaf;
let n = 0;
const out = () => join(dir, `out-${++n}`);

async function api(leaf: Leaf, opts: { redirect?: boolean; hsts?: number } = {}): Promise<ReferenceApi> {
  return startReferenceApi({
    token: TOKEN,
    tls: { cert: await readFile(leaf.chain, 'utf8'), key: await readFile(leaf.key, 'utf8') },
    ...(opts.redirect === false ? {} : { httpRedirectPort: 0 }),
    ...(opts.hsts === undefined ? { hstsMaxAge: YEAR } : opts.hsts < 0 ? {} : { hstsMaxAge: opts.hsts }),
  });
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** `golive check --phases edge` against https://localhost:PORT, trusting the test root. */
function edgeArgs(a: ReferenceApi | { port: number; redirectPort?: number }, extra: string[] = []): string[] {
  return ['--target', `https://localhost:${a.port}`, '--phases', 'edge', '--ca-file', pki.root.cert,
    '--edge-http-port', String(a.redirectPort ?? 1), ...extra];
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'golive-edge-'));
  pki = await TestPki.create(join(dir, 'pki'));
  inter = await pki.intermediate('Golive Test Intermediate', 365);
  good = await pki.leaf(['localhost'], inter, { to: 90 });
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('certificate', () => {
  it('a chain valid 90 days with redirect and HSTS passes every check, and the chain is in summary.json and the HTML report', async () => {
    const a = await api(good);
    try {
      const o = out();
      const r = await runEdge(o, edgeArgs(a));
      expect(r.edge.checks.map((c) => [c.name, c.status])).toEqual([['dns', 'passed'], ['certificate', 'passed'], ['redirect', 'passed'], ['hsts', 'passed']]);
      expect(r.exit.code).toBe(0);
      const chain = r.edge.certificate?.chain ?? [];
      expect(chain.map((c) => [c.role, c.subject])).toEqual([
        ['leaf', 'CN=localhost'], ['intermediate', 'CN=Golive Test Intermediate'], ['root', 'CN=Golive Test Root CA'],
      ]);
      expect(chain[0]?.daysLeft).toBe(90);
      expect(chain[1]?.daysLeft).toBe(365);
      expect(r.edge.certificate?.protocol).toBe('TLSv1.3');
      expect(r.check('certificate').detail).toMatch(/^TLSv1\.3, chain of 3; earliest expiry \d{4}-\d\d-\d\d \(leaf CN=localhost, 90 days left\)$/);
      expect(r.check('dns').detail).toMatch(/^localhost -> A 127\.0\.0\.1/);
      expect(r.check('redirect').detail).toBe(`GET http://localhost:${a.redirectPort}/health -> 301 https://localhost:${a.port}/health`);
      expect(r.check('hsts').detail).toBe('max-age=31536000 (365 days); includeSubDomains set');
      expect(r.result.golive.phases).toEqual([expect.objectContaining({ name: 'edge', status: 'passed' })]);
      const html = await readFile(join(o, 'report.html'), 'utf8');
      expect(html).toContain('<h3>Certificate chain</h3>');
      expect(html).toContain('CN=Golive Test Intermediate');
      expect(r.exit.stdout).toMatch(/Edge \(localhost\)/);
    } finally {
      await a.close();
    }
  });

  it('a leaf expiring in 3 days fails naming the days left', async () => {
    const a = await api(await pki.leaf(['localhost'], inter, { to: 3 }));
    try {
      const r = await runEdge(out(), edgeArgs(a));
      expect(r.exit.code).toBe(99);
      expect(r.check('certificate')).toMatchObject({ status: 'failed' });
      expect(r.check('certificate').detail).toMatch(/^leaf CN=localhost expires in 3 days \(\d{4}-\d\d-\d\d\), fail below 7 days$/);
    } finally {
      await a.close();
    }
  });

  it('a good leaf under an intermediate expiring in 5 days fails naming the intermediate', async () => {
    const short = await pki.intermediate('Golive Short Intermediate', 5);
    const a = await api(await pki.leaf(['localhost'], short, { to: 90 }));
    try {
      const r = await runEdge(out(), edgeArgs(a));
      expect(r.exit.code).toBe(99);
      expect(r.check('certificate').detail).toMatch(/^intermediate CN=Golive Short Intermediate expires in 5 days/);
      expect(r.edge.certificate?.chain.map((c) => c.daysLeft).slice(0, 2)).toEqual([90, 5]);
    } finally {
      await a.close();
    }
  });

  it('a leaf expiring in 20 days passes with a warning note', async () => {
    const a = await api(await pki.leaf(['localhost'], inter, { to: 20 }));
    try {
      const r = await runEdge(out(), edgeArgs(a));
      expect(r.exit.code).toBe(0);
      expect(r.check('certificate')).toMatchObject({ status: 'warned' });
      expect(r.result.golive.notes).toEqual([expect.stringMatching(/^edge: certificate of localhost: .*leaf CN=localhost expires in 20 days .*warn below 30 days$/)]);
    } finally {
      await a.close();
    }
  });

  it('an expired leaf fails saying when it expired', async () => {
    const a = await api(await pki.leaf(['localhost'], inter, { from: -100, to: -10 }));
    try {
      const r = await runEdge(out(), edgeArgs(a));
      expect(r.exit.code).toBe(99);
      expect(r.check('certificate').detail).toMatch(/^leaf CN=localhost expired on \d{4}-\d\d-\d\d \(10 days ago\)$/);
    } finally {
      await a.close();
    }
  });

  it('a certificate for another host fails naming the host', async () => {
    const a = await api(await pki.leaf(['other.example'], inter, { to: 90 }));
    try {
      const r = await runEdge(out(), edgeArgs(a));
      expect(r.exit.code).toBe(99);
      expect(r.check('certificate').detail).toMatch(/^does not cover localhost: .*other\.example/);
    } finally {
      await a.close();
    }
  });

  it('a self-signed certificate fails without --ca-file and passes with it', async () => {
    const self = await pki.selfSigned('localhost');
    const a = await api(self);
    try {
      const args = edgeArgs(a).filter((x, i, all) => x !== '--ca-file' && all[i - 1] !== '--ca-file');
      const without = await runEdge(out(), args);
      expect(without.exit.code).toBe(99);
      expect(without.check('certificate').detail).toMatch(/^not trusted: DEPTH_ZERO_SELF_SIGNED_CERT \(self-signed; pass its CA with --ca-file/);
      const withCa = await runEdge(out(), [...args, '--ca-file', self.cert]);
      expect(withCa.check('certificate')).toMatchObject({ status: 'passed' });
      expect(withCa.exit.code).toBe(0);
    } finally {
      await a.close();
    }
  });

  it('a server capped at TLS 1.1 fails naming the version', async () => {
    const server = createHttpsServer({
      cert: await readFile(good.chain), key: await readFile(good.key),
      minVersion: 'TLSv1', maxVersion: 'TLSv1.1',
      // OpenSSL 3 refuses TLS 1.1's signature algorithms above security level 0.
      ciphers: 'DEFAULT:@SECLEVEL=0',
    }, (_req, res) => res.writeHead(200, { 'strict-transport-security': `max-age=${YEAR}` }).end('{"status":"ok"}'));
    const port = await listen(server);
    try {
      const r = await runEdge(out(), edgeArgs({ port }));
      expect(r.exit.code).toBe(99);
      expect(r.edge.certificate?.protocol).toBe('TLSv1.1');
      expect(r.check('certificate').detail).toBe('negotiated TLSv1.1, wanted TLSv1.2 or newer');
    } finally {
      await close(server);
    }
  });
});

describe('redirect', () => {
  let a: ReferenceApi;
  beforeAll(async () => { a = await api(good, { redirect: false }); });
  afterAll(async () => { await a?.close(); });

  async function withHttp(answer: (port: number) => { status: number; location?: string }, fn: (port: number) => Promise<void>): Promise<void> {
    let port = 0;
    const server = createHttpServer((_req, res) => {
      const { status, location } = answer(port);
      res.writeHead(status, location ? { location } : {}).end();
    });
    port = await listen(server);
    try {
      await fn(port);
    } finally {
      await close(server);
    }
  }

  it('301 to the same host passes; 308 too', async () => {
    for (const status of [301, 308]) {
      await withHttp(() => ({ status, location: `https://localhost:${a.port}/health` }), async (port) => {
        const r = await runEdge(out(), edgeArgs({ port: a.port, redirectPort: port }));
        expect(r.check('redirect')).toEqual({ name: 'redirect', status: 'passed', detail: `GET http://localhost:${port}/health -> ${status} https://localhost:${a.port}/health` });
      });
    }
  });

  it('302 fails as temporary, naming status and location', async () => {
    await withHttp(() => ({ status: 302, location: `https://localhost:${a.port}/health` }), async (port) => {
      const r = await runEdge(out(), edgeArgs({ port: a.port, redirectPort: port }));
      expect(r.exit.code).toBe(99);
      expect(r.check('redirect').detail).toBe(`GET http://localhost:${port}/health: answered 302 with Location "https://localhost:${a.port}/health", wanted a permanent redirect (301 or 308): 302 is temporary`);
    });
  });

  it('301 to another host fails naming it', async () => {
    await withHttp(() => ({ status: 301, location: 'https://elsewhere.example/health' }), async (port) => {
      const r = await runEdge(out(), edgeArgs({ port: a.port, redirectPort: port }));
      expect(r.check('redirect').detail).toBe(`GET http://localhost:${port}/health: answered 301 to "https://elsewhere.example/health": another host (wanted localhost)`);
    });
  });

  it('a page served over plain HTTP fails', async () => {
    await withHttp(() => ({ status: 200 }), async (port) => {
      const r = await runEdge(out(), edgeArgs({ port: a.port, redirectPort: port }));
      expect(r.check('redirect').detail).toBe(`GET http://localhost:${port}/health: answered 200 over plain HTTP, wanted a 301 or 308 redirect to https://localhost`);
    });
  });

  it('no listener on the HTTP port fails with the connection error', async () => {
    const closed = createHttpServer();
    const port = await listen(closed);
    await close(closed);
    const r = await runEdge(out(), edgeArgs({ port: a.port, redirectPort: port }));
    expect(r.exit.code).toBe(99);
    expect(r.check('redirect').detail).toBe(`GET http://localhost:${port}/health: connection refused (ECONNREFUSED): no plain-HTTP listener`);
  });
});

describe('hsts', () => {
  async function withSts(header: string | undefined, fn: (port: number) => Promise<void>): Promise<void> {
    const server = createHttpsServer({ cert: await readFile(good.chain), key: await readFile(good.key) }, (_req, res) => {
      res.writeHead(200, header === undefined ? {} : { 'strict-transport-security': header }).end('{"status":"ok"}');
    });
    const port = await listen(server);
    try {
      await fn(port);
    } finally {
      await close(server);
    }
  }

  it('missing header fails', async () => {
    const a = await api(good, { hsts: -1 });
    try {
      const r = await runEdge(out(), edgeArgs(a));
      expect(r.exit.code).toBe(99);
      expect(r.check('hsts').detail).toBe(`no Strict-Transport-Security header on GET https://localhost:${a.port}/health`);
    } finally {
      await a.close();
    }
  });

  it('max-age=300 fails naming both ages', async () => {
    const a = await api(good, { hsts: 300 });
    try {
      const r = await runEdge(out(), edgeArgs(a));
      expect(r.check('hsts').detail).toBe('max-age=300 (300 s), wanted at least 31536000 (365 days); includeSubDomains set');
      expect(r.edge.hsts).toMatchObject({ maxAgeSeconds: 300, includeSubDomains: true });
    } finally {
      await a.close();
    }
  });

  it('a malformed header fails with what is wrong', async () => {
    await withSts('max-age="31536000; includeSubDomains', async (port) => {
      const r = await runEdge(out(), edgeArgs({ port }));
      expect(r.check('hsts').detail).toBe('malformed Strict-Transport-Security "max-age=\\"31536000; includeSubDomains": unterminated quoted string');
    });
    await withSts('max-age=31536000; max-age=1', async (port) => {
      const r = await runEdge(out(), edgeArgs({ port }));
      expect(r.check('hsts').detail).toMatch(/max-age appears more than once$/);
    });
  });

  it('a quoted max-age without includeSubDomains passes and says so', async () => {
    await withSts('Max-Age="63072000"; preload', async (port) => {
      const r = await runEdge(out(), edgeArgs({ port }));
      expect(r.check('hsts')).toEqual({ name: 'hsts', status: 'passed', detail: 'max-age=63072000 (730 days); includeSubDomains not set, preload' });
    });
  });
});

describe('targets the checks do not apply to', () => {
  it('http:// skips certificate, redirect and HSTS with the reason; an IP skips DNS and HSTS', async () => {
    const plain = await startReferenceApi({ token: TOKEN });
    try {
      const r = await runEdge(out(), ['--target', `http://localhost:${plain.port}`, '--phases', 'edge']);
      expect(r.exit.code).toBe(0);
      expect(r.edge.checks.map((c) => [c.name, c.status])).toEqual([['dns', 'passed'], ['certificate', 'skipped'], ['redirect', 'skipped'], ['hsts', 'skipped']]);
      expect(r.check('certificate').detail).toBe('target is http://: no TLS to check');
      expect(r.result.golive.phases[0]?.reason).toBe('skipped: certificate, redirect, hsts');
    } finally {
      await plain.close();
    }
    const ipLeaf = await pki.leaf(['127.0.0.1'], inter, { to: 90 });
    const a = await api(ipLeaf);
    try {
      const r = await runEdge(out(), ['--target', `https://127.0.0.1:${a.port}`, '--phases', 'edge', '--ca-file', pki.root.cert, '--edge-http-port', String(a.redirectPort)]);
      expect(r.edge.checks.map((c) => [c.name, c.status])).toEqual([['dns', 'skipped'], ['certificate', 'passed'], ['redirect', 'passed'], ['hsts', 'skipped']]);
      expect(r.check('dns').detail).toBe('target is an IP address (127.0.0.1): nothing to resolve');
      expect(r.exit.code).toBe(0);
    } finally {
      await a.close();
    }
  });
});

/** What is tested with health is the order and the merge, not a loaded machine's TLS handshake time. */
async function lenientHealth(): Promise<string> {
  const file = join(dir, 'lenient-health.json');
  await writeFile(file, JSON.stringify({ health: { maxResponseMs: 30_000 } }));
  return file;
}

describe('with the other phases', () => {
  it('--phases health,edge runs edge first, then health, and both pass', async () => {
    const a = await api(good);
    try {
      const r = await runEdge(out(), [...edgeArgs(a), '--phases', 'health,edge', '--config', await lenientHealth()]);
      expect(r.result.golive.phases.map((p) => [p.name, p.status])).toEqual([['edge', 'passed'], ['health', 'passed']]);
      expect(r.exit.code).toBe(0);
    } finally {
      await a.close();
    }
  });

  it('--engine k6: the edge phase runs in Node before k6 runs health, and the reports say so', async () => {
    const a = await api(await pki.leaf(['localhost'], inter, { to: 20 }));
    try {
      const o = out();
      const r = await runEdge(o, [...edgeArgs(a), '--phases', 'edge,health', '--engine', 'k6', '--config', await lenientHealth()], { K6_BINARY: k6Binary() });
      expect(r.result.golive.engine).toBe('k6');
      expect(r.result.golive.phases.map((p) => [p.name, p.status])).toEqual([['edge', 'passed'], ['health', 'passed']]);
      expect(r.edge.ranIn).toBe('ran in Node before k6 (k6 cannot read certificate dates)');
      expect(r.check('certificate').status).toBe('warned');
      expect(r.result.golive.notes?.[0]).toBe('edge phase ran in Node before k6 (k6 cannot read certificate dates)');
      expect(r.result.golive.checks.filter((c) => c.phase === 'edge').map((c) => c.name)).toEqual(['dns', 'certificate', 'redirect', 'hsts']);
      expect(r.exit.code).toBe(0);
      expect(await readFile(join(o, 'report.html'), 'utf8')).toContain('ran in Node before k6');
    } finally {
      await a.close();
    }
  }, 90_000);
});
