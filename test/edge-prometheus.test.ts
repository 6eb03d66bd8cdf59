// The edge phase's series through the real sinks: a run whose leaf expires in
// 3 days pushes golive_tls_cert_expiry_timestamp_seconds{host} and
// golive_check_success{phase="edge"} to a real Pushgateway (scraped by a real
// Prometheus with the golive rules, where GoLiveCertificateExpiringSoon fires
// as critical) and remote-writes the same two series.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceApi, type ReferenceApi } from '../src/reference-api/server.js';
import { TestPki } from './support/certs.js';
import { runEdge } from './support/edge.js';
import { ROOT } from './support/processes.js';
import { query, startScrapedPushgateway, waitFor, type Server } from './support/prometheus.js';

let dir: string;
let pki: TestPki;
let api: ReferenceApi;
let prom: Server;
let pgw: Server;
let stopBoth: (() => Promise<void>) | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'golive-edge-prom-'));
  pki = await TestPki.create(join(dir, 'pki'));
  const inter = await pki.intermediate('Golive Test Intermediate', 365);
  const leaf = await pki.leaf(['localhost'], inter, { to: 3 });
  api = await startReferenceApi({
    token: 'edge-prom-token', tls: { cert: await readFile(leaf.chain, 'utf8'), key: await readFile(leaf.key, 'utf8') },
    httpRedirectPort: 0, hstsMaxAge: 31_536_000,
  });
  ({ pgw, prom, stop: stopBoth } = await startScrapedPushgateway({ ruleFiles: [join(ROOT, 'k8s/monitoring/golive-rules.yaml')] }));
}, 60_000);

afterAll(async () => {
  await Promise.all([api?.close(), stopBoth?.()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('edge series in Prometheus', () => {
  it('pushes and remote-writes the certificate expiry and the edge verdict; the critical alert fires', async () => {
    const testid = `edge-${Date.now()}`;
    const r = await runEdge(join(dir, 'out'), ['--target', `https://localhost:${api.port}`, '--phases', 'edge', '--ca-file', pki.root.cert,
      '--edge-http-port', String(api.redirectPort), '--pushgateway-url', pgw.url, '--prometheus-rw-url', `${prom.url}/api/v1/write`,
      '--environment', 'ci', '--testid', testid]);
    expect(r.exit.code).toBe(99);
    expect(r.result.golive.deliveries.map((d) => [d.sink, d.ok])).toEqual([['prometheus-remote-write', true], ['pushgateway', true]]);
    const expiry = Date.parse(r.edge.certificate?.earliestNotAfter ?? '') / 1000;
    expect(expiry - Date.now() / 1000).toBeGreaterThan(3 * 86400);
    expect(expiry - Date.now() / 1000).toBeLessThan(4 * 86400);

    const pushed = await (await fetch(`${pgw.url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    expect(pushed).toMatch(/golive_check_success\{environment="ci",instance="",job="golive",phase="edge"\} 0/);
    expect(pushed).toMatch(/golive_tls_cert_expiry_timestamp_seconds\{environment="ci",host="localhost",instance="",job="golive"\} \d/);

    // Remote write: the same two series, labelled with the testid.
    const written = await query(prom.url, `golive_tls_cert_expiry_timestamp_seconds{testid="${testid}"}`);
    expect(written.map((x) => [x.metric.host, Number(x.value[1])])).toEqual([['localhost', expiry]]);
    const success = await query(prom.url, `golive_check_success{testid="${testid}"}`);
    expect(success.map((x) => [x.metric.phase, x.value[1]])).toEqual([['edge', '0']]);

    // Scraped from the Pushgateway, the rule fires as critical (< 7 days), not as warning.
    const alerts = await waitFor('GoLiveCertificateExpiringSoon firing', async () => {
      const rows = await query(prom.url, 'ALERTS{alertname="GoLiveCertificateExpiringSoon", alertstate="firing", job="golive"}');
      return rows.length > 0 ? rows : undefined;
    }, 30_000);
    expect(alerts.map((a) => [a.metric.severity, a.metric.host, a.metric.environment])).toEqual([['critical', 'localhost', 'ci']]);
  }, 90_000);
});
