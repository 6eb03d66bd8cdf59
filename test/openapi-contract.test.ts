import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/core/clock.js';
import { MetricStore } from '../src/core/metrics.js';
import { validatePlan } from '../src/config/validate.js';
import { Contract } from '../src/openapi/contract.js';
import { checkConformance, type ResponseRecord } from '../src/openapi/conformance.js';
import { coverageOf, describeCoverage, recordCoverage } from '../src/openapi/coverage.js';
import { loadOpenApi, type LoadDeps } from '../src/openapi/load.js';
import { startReferenceApi, type ReferenceApi } from '../src/reference-api/server.js';
import { ROOT, TOKEN } from './support/reference-api-client.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'openapi');

function deps(target: string, extra: Partial<LoadDeps> = {}): LoadDeps {
  return { target, timeoutMs: 5000, cwd: FIXTURES, clock: systemClock, signal: new AbortController().signal, ...extra };
}

/** A real request, recorded as conformance sees it. */
async function exchange(base: string, method: string, path: string, init: { body?: string; auth?: string; contentType?: string } = {}): Promise<ResponseRecord> {
  const headers: Record<string, string> = {};
  if (init.auth) headers.authorization = init.auth;
  if (init.body !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
  const res = await request(`${base}${path}`, { method: method as 'GET', headers, body: init.body, headersTimeout: 5000, bodyTimeout: 5000 });
  return { method, path, status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

/** A server that answers every request with exactly these bytes. */
async function fixedServer(status: number, headers: Record<string, string>, body: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => { res.writeHead(status, headers).end(body); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

const MARKET_BODY = JSON.stringify({ symbol: 'AAPL', start_date: '2025-09-01', end_date: '2025-09-02' });

describe('the reference API held against its own contract', () => {
  let api: ReferenceApi;
  let bad: ReferenceApi;
  let contract: Contract;
  beforeAll(async () => {
    api = await startReferenceApi({ token: TOKEN });
    bad = await startReferenceApi({ token: TOKEN, badSchema: true });
    contract = new Contract(await loadOpenApi({ url: '/openapi.json' }, deps(api.url)));
  });
  afterAll(async () => { await api.close(); await bad.close(); });

  it('loads and dereferences the 3.1 document from the target', () => {
    expect(contract.document.version).toBe('3.1');
    expect(contract.operations.map((o) => o.key)).toEqual([
      'GET /health', 'GET /api/v1/data/health', 'POST /api/v1/data/market', 'POST /api/v1/auth/login', 'GET /api/v1/signals',
    ]);
  });

  it('finds every healthy answer conforming, including a documented 401 with its header', async () => {
    const login = await exchange(api.url, 'POST', '/api/v1/auth/login', { body: JSON.stringify({ username: 'golive', password: TOKEN }) });
    const session = (JSON.parse(login.text!) as { access_token: string }).access_token;
    const answers = [
      await exchange(api.url, 'GET', '/health'),
      await exchange(api.url, 'GET', '/api/v1/data/health'),
      await exchange(api.url, 'POST', '/api/v1/data/market', { body: MARKET_BODY, auth: `Bearer ${TOKEN}` }),
      await exchange(api.url, 'POST', '/api/v1/data/market', { body: MARKET_BODY }),
      login,
      await exchange(api.url, 'GET', '/api/v1/signals', { auth: `Bearer ${session}` }),
    ];
    for (const a of answers) {
      const c = checkConformance(contract, a);
      expect({ path: a.path, status: a.status, findings: c.findings }).toEqual({ path: a.path, status: a.status, findings: [] });
      expect(c.bodyChecked).toBe(true);
    }
  });

  it('names a wrong type and a missing required field with their JSON pointers', async () => {
    const c = checkConformance(contract, await exchange(bad.url, 'POST', '/api/v1/data/market', { body: MARKET_BODY, auth: `Bearer ${TOKEN}` }));
    expect(c.operation).toBe('POST /api/v1/data/market');
    const rules = c.findings.map((f) => `${f.pointer} ${f.keyword}`);
    expect(rules).toContain('/bars/0/open type');
    expect(rules).toContain('/bars/0/high required');
    const missing = c.findings.find((f) => f.keyword === 'required')!;
    expect(missing.message).toBe('POST /api/v1/data/market 200: body /bars/0/high is required but missing (required)');
    // 2 bars x (open, low, close as strings, high missing) = 8 errors: 5 listed, the rest counted.
    expect(c.findings).toHaveLength(6);
    expect(c.findings[5]!.message).toMatch(/3 more schema error/);
  });

  it('names a status the operation does not document', async () => {
    const failing = await startReferenceApi({ token: TOKEN, errorRate: 1 });
    try {
      const c = checkConformance(contract, await exchange(failing.url, 'POST', '/api/v1/data/market', { body: MARKET_BODY, auth: `Bearer ${TOKEN}` }));
      expect(c.findings).toEqual([{ rule: 'status', message: 'POST /api/v1/data/market: status 500 is not documented (documented: 200, 400, 401, 413)' }]);
    } finally {
      await failing.close();
    }
    // GET on a POST-only path (the server's 405) is no documented operation at all.
    const get = checkConformance(contract, await exchange(api.url, 'GET', '/api/v1/data/market'));
    expect(get.findings).toEqual([{ rule: 'operation', message: 'GET /api/v1/data/market is not a documented operation (the path documents POST)' }]);
  });

  it('names an operation the document does not have', async () => {
    const c = checkConformance(contract, await exchange(api.url, 'GET', '/api/v1/orders'));
    expect(c.operation).toBeUndefined();
    expect(c.findings).toEqual([{ rule: 'operation', message: 'GET /api/v1/orders is not a documented operation (no documented path matches)' }]);
  });

  it('names an undocumented content type and a missing required header, from a server sending exactly those bytes', async () => {
    const html = await fixedServer(200, { 'content-type': 'text/html' }, '<h1>ok</h1>');
    const noHeader = await fixedServer(401, { 'content-type': 'application/json' }, '{"error":"no"}');
    try {
      const c1 = checkConformance(contract, await exchange(html.url, 'GET', '/health'));
      expect(c1.findings).toEqual([{ rule: 'content-type', message: 'GET /health 200: content type text/html is not documented (documented: application/json)' }]);
      const c2 = checkConformance(contract, await exchange(noHeader.url, 'GET', '/api/v1/signals'));
      expect(c2.findings).toEqual([{ rule: 'header', message: 'GET /api/v1/signals 401: required header www-authenticate is missing' }]);
    } finally {
      await html.close();
      await noHeader.close();
    }
  });

  it('counts coverage and records openapi_coverage as a rate', async () => {
    const exercised = new Set(['GET /health', 'POST /api/v1/data/market', 'GET /api/v1/data/health']);
    const cov = coverageOf(contract, exercised);
    expect(describeCoverage(cov)).toBe('covered 3 of 5 operations; not checked: POST /api/v1/auth/login, GET /api/v1/signals');
    const store = new MetricStore();
    recordCoverage(cov, store);
    const agg = store.select('openapi_coverage')!;
    expect(agg.samples).toBe(5);
    expect(agg.state).toMatchObject({ kind: 'rate', passes: 3 });
  });
});

describe('OpenAPI 3.0 documents', () => {
  let contract: Contract;
  const rec = (path: string, status: number, body: unknown): ResponseRecord => ({ method: 'GET', path, status, headers: { 'content-type': 'application/json' }, text: JSON.stringify(body) });
  beforeAll(async () => {
    contract = new Contract(await loadOpenApi({ file: 'items-3.0.yaml' }, deps('http://127.0.0.1:9')));
  });

  it('reads nullable, the boolean exclusiveMinimum and a recursive schema', () => {
    expect(checkConformance(contract, rec('/v2/items/7', 200, { id: '7', note: null, price: 1 })).findings).toEqual([]);
    expect(checkConformance(contract, rec('/items/7', 200, { id: '7', price: 0 })).findings.map((f) => `${f.pointer} ${f.keyword}`)).toEqual(['/price exclusiveMinimum']);
    expect(checkConformance(contract, rec('/tree', 200, { name: 'a', children: [{ name: 'b', children: [{}] }] })).findings.map((f) => `${f.pointer} ${f.keyword}`)).toEqual(['/children/0/children/0/name required']);
  });

  it('matches a literal path before a template and a 4XX range', () => {
    expect(checkConformance(contract, rec('/items/mine', 200, { id: 'm', price: 2 })).operation).toBe('GET /items/mine');
    expect(checkConformance(contract, rec('/items/x', 404, {})).findings).toEqual([]);
    expect(checkConformance(contract, rec('/items/x', 500, {})).findings[0]!.rule).toBe('status');
  });
});

describe('a contract that cannot be used is a config error naming it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'golive-openapi-'));
  const write = (name: string, text: string) => { writeFileSync(join(dir, name), text); return name; };
  const load = (file: string, extra: Partial<LoadDeps> = {}) => loadOpenApi({ file }, deps('http://127.0.0.1:9', { cwd: dir, ...extra }));
  const contractError = async (file: string): Promise<unknown> => {
    try {
      new Contract(await load(file));
    } catch (err) {
      return err;
    }
    return undefined;
  };

  it.each([
    ['broken JSON', '{"openapi": "3.1.0", "info":', /^openapi \(openapi\.file \S+\): does not parse as JSON or YAML: /],
    ['Swagger 2.0', '{"swagger": "2.0", "info": {"title": "x", "version": "1"}, "paths": {}}', /expected OpenAPI 3\.0 or 3\.1, found Swagger 2\.0/],
    ['no info', '{"openapi": "3.1.0", "paths": {}}', /not a valid OpenAPI document: /],
    ['a dangling $ref', '{"openapi":"3.0.3","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"x","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Nope"}}}}}}}}}', /openapi \(openapi\.file \S+\): /],
    ['a schema that does not compile', '{"openapi":"3.1.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"x","content":{"application/json":{"schema":{"type":"object","required":"id"}}}}}}}}}', /GET \/a response 200 \(application\/json\) does not compile/],
  ])('%s', async (name, text, message) => {
    const file = write(`${name.replace(/\W/g, '-')}.json`, text);
    const thrown = await contractError(file);
    expect(thrown).toMatchObject({ code: 'GOLIVE_INVALID_CONFIG' });
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).toContain(file);
    expect((thrown as Error).message).not.toContain('\n');
  });

  it('caps the size of the document and names a file that is missing', async () => {
    await expect(load(write('big.json', `{"openapi":"3.1.0","x":"${'a'.repeat(2000)}"}`), { maxBytes: 1000 })).rejects.toThrow(/openapi \(openapi\.file big\.json\): larger than 1000 bytes/);
    await expect(load('missing.json')).rejects.toThrow(/openapi \(openapi\.file missing\.json\): cannot be read \(ENOENT\)/);
  });

  it('names the URL that did not answer 200, and caps what it sends', async () => {
    const notFound = await fixedServer(404, { 'content-type': 'application/json' }, '{"detail":"Not Found"}');
    const huge = await fixedServer(200, { 'content-type': 'application/json' }, `{"openapi":"3.1.0","x":"${'a'.repeat(5000)}"}`);
    try {
      await expect(loadOpenApi({ url: '/openapi.json' }, deps(notFound.url))).rejects.toThrow(`openapi (openapi.url ${notFound.url}/openapi.json): expected 200, got 404`);
      await expect(loadOpenApi({ url: `${huge.url}/spec.json` }, deps(notFound.url, { maxBytes: 1000 }))).rejects.toThrow(/spec\.json\): body larger than 1000 bytes/);
    } finally {
      await notFound.close();
      await huge.close();
    }
  });
});

describe('the openapi key of the config', () => {
  const EITHER = 'openapi: expected { url: "/openapi.json" } or { file: "openapi.json" }, one of the two';
  it.each([
    [{ url: 'openapi.json' }, 'openapi.url: expected a path on the target (/openapi.json) or an http(s) URL'],
    [{ url: '/openapi.json', file: 'x.json' }, EITHER],
    [{}, EITHER],
    [{ url: '/openapi.json', path: '/x' }, '`openapi.path`: unknown key'],
  ])('refuses %j with one line naming openapi', (openapi, message) => {
    expect(() => validatePlan({ target: 'http://127.0.0.1:9', phases: ['health'], openapi })).toThrow(`invalid config: ${message}`);
  });

  it('takes a path on the target or a file', () => {
    expect(validatePlan({ target: 'http://127.0.0.1:9', phases: ['health'], openapi: { url: '/openapi.json' } }).openapi).toEqual({ url: '/openapi.json' });
    expect(validatePlan({ target: 'http://127.0.0.1:9', phases: ['health'], openapi: { file: 'api.yaml' } }).openapi).toEqual({ file: 'api.yaml' });
  });
});

describe('one JSON Schema compiler for declared checks and the contract', () => {
  it('words a broken rule the same in both, OpenAPI formats included', async () => {
    const { compileJsonSchema } = await import('../checks/declared/json-schema.js');
    const { SchemaCompiler } = await import('../src/openapi/schema.js');
    const schema = { type: 'object', properties: { n: { type: 'integer', format: 'int32' }, s: { type: 'string' } }, required: ['n', 's'], additionalProperties: false };
    const declared = compileJsonSchema(schema);
    if (!declared.ok) throw new Error(declared.error);
    const contract = new SchemaCompiler('3.1', undefined).compile(schema);
    const body = { n: 2 ** 31, extra: 1 };
    const first = declared.validateAll(body, 5).failures.map((f) => [f.pointer, f.rule, f.message]);
    const all = contract(body, 5);
    // The declared check stops at its first rule; the contract lists every one, worded alike.
    expect(first).toHaveLength(1);
    expect(all.errors.map((e) => [e.pointer, e.keyword, e.message])).toContainEqual(first[0]);
    expect(all.errors.map((e) => [e.pointer, e.keyword, e.message])).toEqual(expect.arrayContaining([
      ['/s', 'required', 'is required but missing'], ['/extra', 'additionalProperties', 'is not allowed'], ['/n', 'format', 'must match format "int32"'],
    ]));
    expect(all.total).toBe(3);
    expect(declared.validate({ n: 2 ** 31, s: 'x' })).toMatchObject({ pointer: '/n', rule: 'format', message: 'must match format "int32"' });
  });
});
