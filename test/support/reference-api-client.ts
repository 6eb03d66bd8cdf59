/** A real HTTP client for the reference API tests: one call, parsed, timed. */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { startReferenceApi, type ReferenceApi, type ReferenceApiOptions } from '../../src/reference-api/server.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TOKEN = 'test-token-1234';
export const MARKET = '/api/v1/data/market';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown>;
  ms: number;
}

export async function call(base: string, path: string, init: { method?: string; token?: string | null; body?: string; auth?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.auth !== undefined) headers.authorization = init.auth;
  else if (init.token !== null) headers.authorization = `Bearer ${init.token ?? TOKEN}`;
  const t0 = performance.now();
  const res = await request(`${base}${path}`, {
    method: (init.method ?? 'GET') as 'GET',
    headers,
    body: init.body,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const json = (await res.body.json()) as Record<string, unknown>;
  return { status: res.statusCode, headers: res.headers, json, ms: performance.now() - t0 };
}

export const market = (base: string, body: unknown, token?: string | null): Promise<Reply> =>
  call(base, MARKET, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), token });

export async function withApi<T>(opts: Partial<ReferenceApiOptions>, fn: (api: ReferenceApi) => Promise<T>): Promise<T> {
  const api = await startReferenceApi({ token: TOKEN, ...opts });
  try {
    return await fn(api);
  } finally {
    await api.close();
  }
}

