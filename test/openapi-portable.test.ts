/**
 * The contract as the k6 bundle gets it (operation table + ajv standalone
 * code) judges exactly as the node engine's Contract: the same findings,
 * worded the same, for conforming and broken answers of the reference API's
 * own document and of a 3.0 document (nullable, a recursive schema, a
 * servers base path, a 4XX range, OpenAPI's formats).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allValidatorFromSource } from '../checks/declared/schema-runtime.js';
import { k6ContractTableSchema } from '../src/contract/k6-contract.js';
import { parseOpenApi } from '../src/openapi/document.js';
import { Contract } from '../src/openapi/contract.js';
import { checkConformance, type ResponseRecord } from '../src/openapi/conformance.js';
import { loadOpenApi } from '../src/openapi/load.js';
import { portableContract } from '../src/openapi/portable-build.js';
import { tableFromPortable } from '../src/openapi/portable.js';
import { bodyValidator } from '../src/openapi/table.js';
import { OPENAPI_JSON } from '../src/reference-api/openapi-doc.js';
import { systemClock } from '../src/core/clock.js';
import { ROOT } from './support/reference-api-client.js';

function portable(contract: Contract) {
  const file = JSON.parse(JSON.stringify(portableContract(contract))) as ReturnType<typeof portableContract>;
  const table = k6ContractTableSchema.parse(file.table);
  const loaded: number[] = [];
  const t = tableFromPortable(table, (i) => {
    loaded.push(i);
    return bodyValidator(allValidatorFromSource(file.sources[i]!));
  });
  return { t, file, loaded };
}

const json = (method: string, path: string, status: number, body: unknown, headers: Record<string, string> = {}): ResponseRecord =>
  ({ method, path, status, headers: { 'content-type': 'application/json', ...headers }, text: JSON.stringify(body) });

const bar = { date: '2025-09-01', open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 };
const market = { symbol: 'AAPL', start_date: '2025-09-01', end_date: '2025-09-02', interval: '1d', bars: [bar], source: 'x' };
const health = { status: 'ok', service: 'gateway', version: '1.0.0', timestamp: '2025-09-01T00:00:00Z' };

describe('the portable contract judges as the node engine does', () => {
  it('the reference API: conforming, wrong type, missing field, undocumented status, content type, header, operation', async () => {
    const contract = new Contract(await parseOpenApi(OPENAPI_JSON, 'openapi.url /openapi.json'));
    const { t, file, loaded } = portable(contract);
    // nothing compiled until a response needs it
    expect(loaded).toEqual([]);
    expect(file.table.operations.map((o) => `${o.method} ${o.template}`)).toEqual(contract.operations.map((o) => o.key));
    const cases: ResponseRecord[] = [
      json('GET', '/health', 200, health),
      json('GET', '/health', 200, { ...health, status: 1 }),
      json('GET', '/api/v1/data/health', 200, { status: 'ok', service: 'data-service', timestamp: health.timestamp }),
      json('POST', '/api/v1/data/market', 200, market),
      json('POST', '/api/v1/data/market', 200, { ...market, bars: [{ ...bar, open: '1', high: undefined }, { ...bar, low: -1, volume: 1.5 }] }),
      json('POST', '/api/v1/data/market', 500, { error: 'x' }),
      json('POST', '/api/v1/data/market', 401, { error: 'x' }),
      json('POST', '/api/v1/data/market', 401, { error: 'x' }, { 'www-authenticate': 'Bearer' }),
      { method: 'GET', path: '/health', status: 200, headers: { 'content-type': 'text/html' }, text: '<p>' },
      { method: 'GET', path: '/health', status: 200, headers: { 'content-type': 'application/json' }, text: '{"no' },
      json('GET', '/api/v1/orders', 404, {}),
      json('GET', '/api/v1/data/market', 405, {}),
      // minLength needs ajv's ucs2length helper, handed to the generated code by schema-runtime.ts
      json('POST', '/api/v1/auth/login', 200, { access_token: '', token_type: 'bearer', expires_in: 1 }),
    ];
    for (const r of cases) {
      const node = checkConformance(contract, r);
      expect(checkConformance(t, r), `${r.method} ${r.path} ${r.status}`).toEqual(node);
    }
    expect(checkConformance(t, cases[1]!).findings.map((f) => f.message)).toEqual(['GET /health 200: body /status must be string (type)', 'GET /health 200: body /status must be equal to one of the allowed values (enum)']);
    expect(checkConformance(t, cases.at(-1)!).findings.map((f) => f.message)).toEqual(['POST /api/v1/auth/login 200: body /access_token must NOT have fewer than 1 characters (minLength)']);
    // each validator loaded once, on first use; the signals' never
    expect(loaded).toEqual([...new Set(loaded)]);
    expect(loaded.length).toBeLessThan(file.sources.length);
  });

  it('a 3.0 document: nullable, exclusiveMinimum, a recursive schema, a base path, a 4XX range', async () => {
    const doc = await loadOpenApi({ file: 'items-3.0.yaml' }, { target: 'http://127.0.0.1:9', timeoutMs: 5000, cwd: join(ROOT, 'test', 'fixtures', 'openapi'), clock: systemClock, signal: new AbortController().signal });
    const contract = new Contract(doc);
    const { t } = portable(contract);
    const cases = [
      json('GET', '/v2/items/7', 200, { id: '7', note: null, price: 1 }),
      json('GET', '/items/7', 200, { id: '7', price: 0 }),
      json('GET', '/tree', 200, { name: 'a', children: [{ name: 'b', children: [{}] }] }),
      json('GET', '/items/mine', 200, { id: 'm', price: 2 }),
      json('GET', '/items/x', 404, {}),
      json('GET', '/items/x', 500, {}),
    ];
    for (const r of cases) expect(checkConformance(t, r), `${r.path} ${r.status}`).toEqual(checkConformance(contract, r));
    // and what they agree on is the document's rules, not two empty lists
    expect(cases.flatMap((r) => checkConformance(t, r).findings.map((f) => f.message))).toEqual([
      'GET /items/{id} 200: body /price must be > 0 (exclusiveMinimum)',
      'GET /tree 200: body /children/0/children/0/name is required but missing (required)',
      'GET /items/{id}: status 500 is not documented (documented: 200, 4XX)',
    ]);
  });

  it("OpenAPI's formats judge alike: int32 bounds, byte an annotation (not ajv-formats' base64)", async () => {
    const doc = {
      openapi: '3.1.0', info: { title: 'f', version: '1' },
      paths: { '/f': { get: { responses: { 200: { description: 'f', content: { 'application/json': { schema: { type: 'object', properties: { n: { type: 'integer', format: 'int32' }, b: { type: 'string', format: 'byte' }, d: { type: 'string', format: 'date' } } } } } } } } } },
    };
    const contract = new Contract(await parseOpenApi(JSON.stringify(doc), 'openapi.file f.json'));
    const { t } = portable(contract);
    for (const body of [{ n: 2 ** 31, b: 'not base64!', d: '2025-02-30' }, { n: 1, b: '%%%', d: '2025-02-28' }]) {
      const r = json('GET', '/f', 200, body);
      expect(checkConformance(t, r)).toEqual(checkConformance(contract, r));
    }
    expect(checkConformance(t, json('GET', '/f', 200, { n: 2 ** 31, b: 'not base64!', d: '2025-02-30' })).findings.map((f) => f.message))
      .toEqual(['GET /f 200: body /n must match format "int32" (format)', 'GET /f 200: body /d must match format "date" (format)']);
    expect(checkConformance(t, json('GET', '/f', 200, { n: 1, b: '%%%' })).findings).toEqual([]);
  });
});
