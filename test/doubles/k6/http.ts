/**
 * Test double of `k6/http`: real requests cannot be made synchronously in
 * Node, so it records each call and answers from the test's script.
 */
import { groupPath, k6Double } from './state.js';
import type { RecordedRequest } from './state.js';

type Params = RecordedRequest['params'];

export function expectedStatuses(...statuses: number[]): { expectedStatuses: number[] } {
  return { expectedStatuses: statuses };
}

export function request(method: string, url: string, body?: string | null, params: Params = {}) {
  const s = k6Double();
  const req: RecordedRequest = { method, url, body: body ?? null, params, group: groupPath(s) };
  s.requests.push(req);
  const r = s.respond(req);
  return {
    status: r.status,
    body: r.body ?? null,
    error: r.error ?? '',
    error_code: r.status === 0 ? 1000 : 0,
    headers: {},
    timings: { duration: r.durationMs ?? 5, waiting: r.durationMs ?? 5 },
    request: { method, url, body: body ?? '' },
  };
}

export function get(url: string, params?: Params) {
  return request('GET', url, null, params);
}

export function post(url: string, body?: string | null, params?: Params) {
  return request('POST', url, body, params);
}

export default { request, get, post, expectedStatuses };
