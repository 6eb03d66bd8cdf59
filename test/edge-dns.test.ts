// The edge phase's DNS check against a real DNS server (dnsmasq on a loopback
// port): a name that resolves passes and the other probes connect to its
// answer; NXDOMAIN, SERVFAIL and a server that never answers fail with the reason.
import { createSocket, type Socket } from 'node:dgram';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceApi, type ReferenceApi } from '../src/reference-api/server.js';
import { TestPki } from './support/certs.js';
import { startDnsmasq, type Dnsmasq } from './support/dnsmasq.js';
import { runEdge } from './support/edge.js';

let dir: string;
let pki: TestPki;
let dns: Dnsmasq;
let api: ReferenceApi;
let n = 0;
const out = () => join(dir, `out-${++n}`);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'golive-edge-dns-'));
  pki = await TestPki.create(join(dir, 'pki'));
  const inter = await pki.intermediate('Golive Test Intermediate', 365);
  const leaf = await pki.leaf(['app.golive.test'], inter, { to: 90 });
  api = await startReferenceApi({
    token: 'dns-test-token', tls: { cert: await readFile(leaf.chain, 'utf8'), key: await readFile(leaf.key, 'utf8') },
    httpRedirectPort: 0, hstsMaxAge: 31_536_000,
  });
  dns = await startDnsmasq([
    '--host-record=app.golive.test,127.0.0.1,::1',
    '--address=/wild.golive.test/127.0.0.2',
    '--local=/golive.test/',
  ]);
}, 60_000);

afterAll(async () => {
  await dns?.stop();
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const args = (host: string, extra: string[] = []) => ['--target', `https://${host}:${api.port}`, '--phases', 'edge', '--ca-file', pki.root.cert,
  '--edge-http-port', String(api.redirectPort), '--dns-server', dns.server, ...extra];

describe('dns', () => {
  it('a name the server knows resolves (A and AAAA, with the lookup time) and the other checks reach its answer', async () => {
    const r = await runEdge(out(), args('app.golive.test'));
    expect(r.edge.checks.map((c) => [c.name, c.status])).toEqual([['dns', 'passed'], ['certificate', 'passed'], ['redirect', 'passed'], ['hsts', 'passed']]);
    expect(r.exit.code).toBe(0);
    expect(r.edge.dns).toMatchObject({ server: dns.server, a: ['127.0.0.1'], aaaa: ['::1'] });
    expect(r.edge.dns?.lookupMs).toBeGreaterThan(0);
    expect(r.check('dns').detail).toMatch(new RegExp(`^app\\.golive\\.test -> A 127\\.0\\.0\\.1; AAAA ::1 \\(DNS server ${dns.server.replace(/\./g, '\\.')}, \\d+ ms\\)$`));
  });

  it('NXDOMAIN fails with the reason, and the checks that need an address say they were not run', async () => {
    const r = await runEdge(out(), args('missing.golive.test'));
    expect(r.exit.code).toBe(99);
    expect(r.check('dns')).toMatchObject({ status: 'failed' });
    expect(r.check('dns').detail).toMatch(/^missing\.golive\.test: NXDOMAIN \(no such name\) \(DNS server 127\.0\.0\.1:\d+, \d+ ms\)$/);
    expect(r.check('certificate')).toEqual({ name: 'certificate', status: 'skipped', detail: 'not checked: missing.golive.test did not resolve' });
    expect(r.result.golive.phases[0]?.reason).toBe('failed: dns; skipped: certificate, redirect, hsts');
  });

  it('a --address wildcard answer is what the probes connect to (nothing listens on 127.0.0.2 here)', async () => {
    const r = await runEdge(out(), args('x.wild.golive.test'));
    expect(r.edge.dns?.a).toEqual(['127.0.0.2']);
    expect(r.check('certificate').detail).toMatch(/ECONNREFUSED 127\.0\.0\.2/);
  });

  it('a server answering SERVFAIL fails with that reason', async () => {
    // A minimal responder: the query's header and question back, QR=1, RA=1, RCODE=2 (SERVFAIL).
    const failing: Socket = createSocket('udp4');
    failing.on('message', (q, from) => {
      let i = 12;
      while (i < q.length && q[i] !== 0) i += (q[i] ?? 0) + 1;
      const reply = Buffer.from(q.subarray(0, i + 5));
      reply[2] = 0x81;
      reply[3] = 0x82;
      reply.writeUInt16BE(0, 6);
      reply.writeUInt16BE(0, 8);
      reply.writeUInt16BE(0, 10);
      failing.send(reply, from.port, from.address);
    });
    await new Promise<void>((resolve) => failing.bind(0, '127.0.0.1', resolve));
    const port = (failing.address() as AddressInfo).port;
    try {
      const r = await runEdge(out(), [...args('app.golive.test'), '--dns-server', `127.0.0.1:${port}`]);
      expect(r.exit.code).toBe(99);
      expect(r.check('dns').detail).toMatch(/^app\.golive\.test: SERVFAIL \(the server failed to answer\) \(DNS server 127\.0\.0\.1:\d+, \d+ ms\)$/);
    } finally {
      failing.close();
    }
  });

  it('a DNS server that never answers fails as a timeout within the request timeout', async () => {
    const silent: Socket = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const r = await runEdge(out(), [...args('app.golive.test'), '--dns-server', `127.0.0.1:${port}`, '--timeout', '1000']);
      expect(r.exit.code).toBe(99);
      // --timeout 1000 bounds it (the default would be 10 s); generous for a loaded machine.
      expect(r.edge.dns?.lookupMs).toBeLessThan(10_000);
      expect(r.check('dns').detail).toMatch(new RegExp(`^app\\.golive\\.test: timeout \\(no answer from the DNS server\\) \\(DNS server 127\\.0\\.0\\.1:${port}, \\d+ ms\\)$`));
    } finally {
      silent.close();
    }
  });
});
