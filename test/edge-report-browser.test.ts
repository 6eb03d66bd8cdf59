// The edge section of report.html from a real edge run (openssl-made chain,
// HTTPS reference API), opened in Debian's headless Chromium: the checks with
// their measured values and the certificate chain render as tables, nothing
// is fetched and nothing logs an error.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceApi, type ReferenceApi } from '../src/reference-api/server.js';
import { TestPki } from './support/certs.js';
import { runEdge } from './support/edge.js';
import { axeBlocking } from './support/axe.js';

const CHROMIUM = '/usr/bin/chromium';
let dir: string;
let pki: TestPki;
let api: ReferenceApi;
let context: BrowserContext;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run 'bash scripts/setup/test-deps.sh' (apt-get install chromium)`);
  dir = await mkdtemp(join(tmpdir(), 'golive-edge-browser-'));
  pki = await TestPki.create(join(dir, 'pki'));
  const leaf = await pki.leaf(['localhost'], await pki.intermediate('Golive Test Intermediate', 365), { to: 20 });
  api = await startReferenceApi({
    token: 'edge-browser-token', tls: { cert: await readFile(leaf.chain, 'utf8'), key: await readFile(leaf.key, 'utf8') },
    httpRedirectPort: 0, hstsMaxAge: 300,
  });
  context = await chromium.launchPersistentContext(await mkdtemp(join(tmpdir(), 'golive-chromium-profile-')), {
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('edge section of report.html in headless Chromium', () => {
  it('shows every check with its measured value and the chain with days left', async () => {
    const out = join(dir, 'out');
    const r = await runEdge(out, ['--target', `https://localhost:${api.port}`, '--phases', 'edge', '--ca-file', pki.root.cert, '--edge-http-port', String(api.redirectPort)]);
    expect(r.exit.code).toBe(99); // max-age=300 fails hsts
    const url = pathToFileURL(join(out, 'report.html')).href;
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (q) => { if (q.url() !== url) requests.push(q.url()); });
    try {
      await page.goto(url, { waitUntil: 'load' });
      // Runs in the page (a string: this file is type-checked without the DOM lib).
      const tables = await page.evaluate(`(() => {
        const h = [...document.querySelectorAll('h2, h3')];
        const after = (text) => { const e = h.find((x) => x.textContent.startsWith(text)); let n = e && e.nextElementSibling;
          while (n && n.tagName !== 'TABLE') n = n.nextElementSibling; return n ? [...n.querySelectorAll('tbody tr')].map((tr) => [...tr.cells].map((c) => c.innerText)) : []; };
        return { checks: after('Edge: localhost'), chain: after('Certificate chain') };
      })()`) as { checks: string[][]; chain: string[][] };
      expect(tables.checks.map((row) => row.slice(0, 2))).toEqual([['dns', 'passed'], ['certificate', 'warned'], ['redirect', 'passed'], ['hsts', 'failed']]);
      expect(tables.checks[1]?.[2]).toMatch(/leaf CN=localhost expires in 20 days .*warn below 30 days/);
      expect(tables.checks[3]?.[2]).toBe('max-age=300 (300 s), wanted at least 31536000 (365 days); includeSubDomains set');
      expect(tables.chain.map((row) => [row[0], row[1], row[4]])).toEqual([
        ['leaf', 'CN=localhost', '20'], ['intermediate', 'CN=Golive Test Intermediate', '365'], ['root', 'CN=Golive Test Root CA', expect.stringMatching(/^\d+$/)],
      ]);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      expect(await axeBlocking(page)).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);
});
