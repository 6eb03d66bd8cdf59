// "Ingress shows correct IP address": with the cluster phase in the run, the
// edge DNS check compares the answers of a real DNS server (dnsmasq) with the
// status of a real Ingress on a real API server, whose address the test sets.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, NetworkingV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceApi, type ReferenceApi } from '../../src/reference-api/server.js';
import { TestPki } from '../support/certs.js';
import { startControlPlane, type ControlPlane } from '../support/control-plane.js';
import { startDnsmasq, type Dnsmasq } from '../support/dnsmasq.js';
import { runEdge } from '../support/edge.js';

const NS = 'edge-ingress';
let dir: string;
let cp: ControlPlane;
let net: NetworkingV1Api;
let dns: Dnsmasq;
let api: ReferenceApi;
let pki: TestPki;
let n = 0;

async function setIngressStatus(entry: { ip: string } | { hostname: string }): Promise<void> {
  const ing = await net.readNamespacedIngress({ name: 'web', namespace: NS });
  ing.status = { loadBalancer: { ingress: [entry] } };
  await net.replaceNamespacedIngressStatus({ name: 'web', namespace: NS, body: ing });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'golive-edge-ingress-'));
  pki = await TestPki.create(join(dir, 'pki'));
  const leaf = await pki.leaf(['app.golive.test'], await pki.intermediate('Golive Test Intermediate', 365), { to: 90 });
  api = await startReferenceApi({
    token: 'edge-ingress-token', tls: { cert: await readFile(leaf.chain, 'utf8'), key: await readFile(leaf.key, 'utf8') },
    httpRedirectPort: 0, hstsMaxAge: 31_536_000,
  });
  dns = await startDnsmasq(['--host-record=app.golive.test,127.0.0.1', '--host-record=lb.golive.test,127.0.0.1', '--local=/golive.test/']);
  cp = await startControlPlane();
  const kc = new KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath);
  net = kc.makeApiClient(NetworkingV1Api);
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
  await net.createNamespacedIngress({ namespace: NS, body: {
    metadata: { name: 'web' },
    spec: { rules: [{ host: 'app.golive.test', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
  } });
}, 240_000);

afterAll(async () => {
  await Promise.all([cp?.stop(), dns?.stop(), api?.close()]);
  if (dir) await rm(dir, { recursive: true, force: true });
}, 60_000);

const check = () => runEdge(join(dir, `out-${++n}`), [
  '--target', `https://app.golive.test:${api.port}`, '--phases', 'edge,cluster', '--namespace', NS, '--kubeconfig', cp.kubeconfigPath,
  '--ca-file', pki.root.cert, '--edge-http-port', String(api.redirectPort), '--dns-server', dns.server,
]);

describe('edge DNS answers vs the Ingress address', () => {
  it('an Ingress showing another address fails the dns check naming both', async () => {
    await setIngressStatus({ ip: '10.0.0.5' });
    const r = await check();
    expect(r.exit.code).toBe(99);
    expect(r.check('dns').status).toBe('failed');
    expect(r.check('dns').detail).toMatch(/^app\.golive\.test resolves to 127\.0\.0\.1 but Ingress edge-ingress\/web shows 10\.0\.0\.5 \(DNS server 127\.0\.0\.1:\d+, \d+ ms\)$/);
    expect(r.edge.dns?.ingress).toEqual([{ name: 'edge-ingress/web', addresses: ['10.0.0.5'] }]);
    // the other edge checks still ran against the DNS answer
    expect(r.check('certificate').status).toBe('passed');
  });

  it('an Ingress showing the answered address passes, by IP or by a load balancer name that resolves to it', async () => {
    await setIngressStatus({ ip: '127.0.0.1' });
    const byIp = await check();
    expect(byIp.check('dns')).toMatchObject({ status: 'passed' });
    expect(byIp.check('dns').detail).toMatch(/; matches the Ingress address$/);
    await setIngressStatus({ hostname: 'lb.golive.test' });
    const byName = await check();
    expect(byName.check('dns')).toMatchObject({ status: 'passed' });
    expect(byName.edge.dns?.ingress).toEqual([{ name: 'edge-ingress/web', addresses: ['lb.golive.test', '127.0.0.1'] }]);
    // The edge verdict does not depend on the cluster phase's (there are no pods here).
    expect(byName.result.golive.phases.map((p) => [p.name, p.status])).toEqual([['edge', 'passed'], ['cluster', 'failed']]);
  });
});
