/**
 * One dashboard for both engines, against the real Prometheus: a node-engine
 * run (golive's own remote write) and a real-k6 run (k6's built-in
 * experimental-prometheus-rw output, native histograms on), each with its
 * verdict pushed to a real Pushgateway, must answer every expression of
 * k8s/monitoring/golive-dashboard.json with data and the same label sets.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { k6Binary } from './support/k6.js';
import { ROOT, runCli, spawnReferenceApi } from './support/processes.js';
import { query, startScrapedPushgateway, waitFor } from './support/prometheus.js';
import type { Server } from './support/prometheus.js';

const TOKEN = 'tok-k6-rw-31f0';
const ENGINES = ['node', 'k6'] as const;
const stamp = Date.now();
const testid = (e: string) => `dash-${e}-${stamp}`;
const environment = (e: string) => `env-${e}-${stamp}`;

interface Panel { title: string; targets?: { expr: string }[]; panels?: Panel[] }
const dashboard = JSON.parse(readFileSync(join(ROOT, 'k8s/monitoring/golive-dashboard.json'), 'utf8')) as { panels: Panel[] };
const exprs = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

/**
 * Expressions no run of either engine here can feed, named: certificate
 * expiry needs the edge phase against an https target (Node code before
 * either engine starts), and constants carry no run's labels.
 */
const ENGINE_NEUTRAL = (expr: string) => /golive_tls_cert_expiry/.test(expr) || /^vector\(/.test(expr);

let prom: Server;
let pgw: Server;
let stopBoth: (() => Promise<void>) | undefined;
beforeAll(async () => {
  ({ pgw, prom, stop: stopBoth } = await startScrapedPushgateway({ nativeHistograms: true, ruleFiles: [join(ROOT, 'k8s/monitoring/golive-rules.yaml')] }));
  for (const engine of ENGINES) {
    // A fresh API per engine: --error-rate fails the same requests of each run.
    const api = await spawnReferenceApi(TOKEN, ['--error-rate', '0.03']);
    try {
      const out = await mkdtemp(join(tmpdir(), `golive-dash-${engine}-`));
      const res = await runCli(['check', '--target', api.url, '--out', out, '--engine', engine, '--requests', '200',
        '--prometheus-rw-url', `${prom.url}/api/v1/write`, '--prometheus-native-histograms', '--pushgateway-url', pgw.url,
        '--testid', testid(engine), '--environment', environment(engine)], { env: { GOLIVE_TOKEN: TOKEN, K6_BINARY: k6Binary() }, deadlineMs: 120_000 });
      // 3 % errors break rate<0.01: a failing run, so the failure-rate panels have data too
      expect(res.code, `${engine}: ${res.stderr}`).toBe(99);
    } finally {
      await api.stop();
    }
  }
}, 300_000);
afterAll(async () => { await stopBoth?.(); });

function forEngine(expr: string, engine: string): string {
  return expr.replace(/\$\{?testid\}?/g, testid(engine)).replace(/\$\{?environment\}?/g, environment(engine)).replace(/\$\{?job\}?/g, 'golive')
    .replace(/\$__rate_interval|\$__interval|\$__range/g, '5m');
}

/** label sets of the answer, with this run's own testid/environment values made neutral */
async function labelSets(expr: string, engine: string): Promise<string[] | undefined> {
  const rows = await query(prom.url, forEngine(expr, engine));
  if (rows.length === 0) return undefined;
  return rows.map((r) => JSON.stringify(Object.entries(r.metric).sort().map(([k, v]) => [k, v.replace(testid(engine), 'TESTID').replace(environment(engine), 'ENV')]))).sort();
}

describe('one dashboard for both engines (k6 writes through its own experimental-prometheus-rw output)', () => {
  it('k6 itself wrote the k6 run\'s series (labels only k6 adds), with native histograms', async () => {
    const rows = await waitFor('k6 series', async () => {
      const r = await query(prom.url, `k6_http_reqs_total{testid="${testid('k6')}", scenario="load"}`);
      return r.length > 0 ? r : undefined;
    });
    // k6 labels its series with every tag of the sample, the script's `phase` too; golive's own writer does not
    expect(rows[0]?.metric['phase']).toBe('load');
    expect((await query(prom.url, `k6_http_reqs_total{testid="${testid('node')}", phase!=""}`))).toEqual([]);
    const total = await query(prom.url, `sum(k6_http_reqs_total{testid="${testid('k6')}", scenario="load"})`);
    expect(Number(total[0]?.value[1])).toBe(200);
    expect(await query(prom.url, `histogram_count(sum(k6_http_req_duration_seconds{testid="${testid('k6')}", scenario="load"}))`)).toHaveLength(1);
  });

  it.each(exprs.filter((e) => !ENGINE_NEUTRAL(e.expr)))('$panel: $expr', async ({ expr }) => {
    const sets = await waitFor(`both engines answer ${expr}`, async () => {
      const node = await labelSets(expr, 'node');
      const k6 = await labelSets(expr, 'k6');
      return node && k6 ? { node, k6 } : undefined;
    }, 30_000, 500).catch(async () => ({ node: await labelSets(expr, 'node'), k6: await labelSets(expr, 'k6') }));
    expect(sets.node, 'node run answers').toBeDefined();
    expect(sets.k6, 'k6 run answers').toEqual(sets.node);
  }, 60_000);
});

describe("a failure of k6's own remote write is not silent", () => {
  it('k6 logs it and exits 0; golive reports the delivery failed and exits 108', async () => {
    const { createServer } = await import('node:http');
    // Accepts golive's own sink (its verdict/edge series), refuses k6's writes.
    const seen: string[] = [];
    const server = createServer((req, res) => {
      req.resume();
      const ua = req.headers['user-agent'] ?? '';
      seen.push(ua);
      res.writeHead(ua.startsWith('golive/') ? 204 : 400).end('refused');
    });
    const url = await new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}/api/v1/write`)));
    const api = await spawnReferenceApi(TOKEN, []);
    try {
      const out = await mkdtemp(join(tmpdir(), 'golive-k6-rw-fail-'));
      const res = await runCli(['check', '--target', api.url, '--out', out, '--engine', 'k6', '--phases', 'health', '--prometheus-rw-url', url], { env: { GOLIVE_TOKEN: TOKEN, K6_BINARY: k6Binary() }, deadlineMs: 120_000 });
      expect(seen.some((ua) => !ua.startsWith('golive/')), seen.join(', ')).toBe(true);
      expect(res.code, res.stderr).toBe(108);
      const s = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as { golive: { verdict: string; deliveries: { sink: string; ok: boolean; error?: string }[] } };
      expect(s.golive.deliveries.find((d) => !d.ok)?.error).toMatch(/^k6's experimental-prometheus-rw output failed: got status code: 400/);
    } finally {
      await api.stop();
      await new Promise((r) => server.close(r));
    }
  }, 120_000);
});
