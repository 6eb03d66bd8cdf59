import { request } from 'undici';
import { validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_TABLE } from '../src/reference-api/routes.js';
import { startReferenceApi, type ReferenceApi } from '../src/reference-api/server.js';
import { TOKEN, call } from './support/reference-api-client.js';

async function login(base: string, body: string, contentType = 'application/json') {
  const res = await request(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': contentType }, body, headersTimeout: 10_000, bodyTimeout: 10_000 });
  return { status: res.statusCode, headers: res.headers, json: (await res.body.json()) as Record<string, unknown> };
}

describe('reference API contract and login', () => {
  let api: ReferenceApi;
  beforeAll(async () => {
    api = await startReferenceApi({ token: TOKEN });
  });
  afterAll(() => api.close());

  it('serves /openapi.json as a valid OpenAPI 3.1 document of exactly its routes, uncounted', async () => {
    const before = api.requests();
    const res = await request(`${api.url}/openapi.json`, { headersTimeout: 10_000, bodyTimeout: 10_000 });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
    const doc = (await res.body.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const verdict = await validate(structuredClone(doc) as never);
    expect(verdict.valid ? [] : verdict.errors).toEqual([]);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    expect(documented).toEqual(ROUTE_TABLE.map((r) => `${r.method} ${r.path}`).sort());
    expect(api.requests()).toBe(before);
  });

  it('logs in with the API token as password and the session token opens /api/v1/signals', async () => {
    const ok = await login(api.url, JSON.stringify({ username: 'golive', password: TOKEN }));
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    const session = String(ok.json.access_token);
    expect(session).not.toBe(TOKEN);
    const sig = await call(api.url, '/api/v1/signals', { token: session });
    expect(sig.status).toBe(200);
    const signals = sig.json.signals as Array<Record<string, unknown>>;
    expect(signals.map((s) => s.symbol)).toEqual(['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOGL']);
    for (const s of signals) expect(['buy', 'sell', 'hold']).toContain(s.action);
    // Same day, same signals: values a check can pin.
    expect((await call(api.url, '/api/v1/signals', { token: session })).json.signals).toEqual(signals);
  });

  it('takes the FastAPI OAuth2 form as well', async () => {
    const form = new URLSearchParams({ grant_type: 'password', username: 'golive', password: TOKEN }).toString();
    const ok = await login(api.url, form, 'application/x-www-form-urlencoded');
    expect(ok.status).toBe(200);
    expect(typeof ok.json.access_token).toBe('string');
  });

  it.each([
    ['wrong password', JSON.stringify({ username: 'golive', password: 'nope' }), 401, /invalid username or password/],
    ['wrong user', JSON.stringify({ username: 'root', password: TOKEN }), 401, /invalid username or password/],
    ['no password', JSON.stringify({ username: 'golive' }), 400, /^password: /],
    ['not json', '{', 400, /^body: /],
  ])('refuses a login with %s', async (_name, body, status, reason) => {
    const res = await login(api.url, body);
    expect(res.status).toBe(status);
    expect(String(res.json.error)).toMatch(reason);
    expect(JSON.stringify(res.json)).not.toContain(TOKEN);
  });

  it('refuses /api/v1/signals without a session token, including the API token itself', async () => {
    for (const token of [null, TOKEN, 'made-up']) {
      const res = await call(api.url, '/api/v1/signals', { token });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
  });
});
