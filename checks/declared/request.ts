/**
 * A step's request, built from its template and the run's scope: URL with its
 * query, headers (auth included), body bytes as text. Pure and runtime-neutral
 * (no WHATWG URL in k6's runtime: the query is joined by hand).
 */
import type { DeclaredCheck, Step } from '../../src/contract/checks-schema.js';
import { render, renderJson } from './template.js';
import type { TemplateScope } from './template.js';

export interface BuiltRequest {
  method: Step['method'];
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  /** the JSON body as sent (templates rendered), for `ohlc-bars` */
  sentJson?: unknown;
}

export interface RequestScope extends TemplateScope {
  /** the golive bearer token, for `auth: token` */
  token?: string;
}

/** What a step is called in check names: its name, else METHOD and the path or URL as written (templates unrendered). */
export function stepTitle(step: Step): string {
  return step.name ?? `${step.method} ${step.path ?? step.url ?? ''}`;
}

function withQuery(url: string, query: Step['query'], scope: TemplateScope): string {
  const parts = Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(render(String(v), scope))}`);
  if (parts.length === 0) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${parts.join('&')}`;
}

/**
 * A step's path under the target: the target's own path kept as a prefix, its query (an API key a
 * gateway wants on every call) carried after the step's path, its fragment never sent.
 */
function underTarget(target: string, path: string): string {
  const [noFragment = ''] = target.split('#', 1);
  const q = noFragment.indexOf('?');
  const prefix = (q < 0 ? noFragment : noFragment.slice(0, q)).replace(/\/+$/, '');
  const targetQuery = q < 0 ? '' : noFragment.slice(q + 1);
  const url = `${prefix}${path}`;
  return targetQuery === '' ? url : `${url}${url.includes('?') ? '&' : '?'}${targetQuery}`;
}

export function buildRequest(step: Step, scope: RequestScope): BuiltRequest {
  const base = step.path !== undefined ? underTarget(scope.target, render(step.path, scope)) : render(step.url ?? '', scope);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(step.headers)) headers[k.toLowerCase()] = render(v, scope);
  const auth = step.auth;
  if (auth === 'token') headers['authorization'] = `Bearer ${scope.token ?? ''}`;
  else if (typeof auth === 'object') headers[auth.header.toLowerCase()] = `${auth.prefix ?? ''}${scope.env[auth.env] ?? ''}`;
  let body: string | undefined;
  let sentJson: unknown;
  if (step.json !== undefined) {
    sentJson = renderJson(step.json, scope);
    body = JSON.stringify(sentJson);
    headers['content-type'] ??= 'application/json';
  } else if (step.body !== undefined) body = render(step.body, scope);
  return {
    method: step.method, url: withQuery(base, step.query, scope), headers,
    ...(body !== undefined ? { body } : {}),
    ...(step.timeoutMs !== undefined ? { timeoutMs: step.timeoutMs } : {}),
    ...(sentJson !== undefined ? { sentJson } : {}),
  };
}

/** Env values a step sends as credentials: never shown. */
export function authSecrets(checks: readonly DeclaredCheck[], env: Readonly<Record<string, string | undefined>>): string[] {
  return checks.flatMap((c) => c.steps.flatMap((s) => (typeof s.auth === 'object' ? [env[s.auth.env]] : []))).filter((v): v is string => v !== undefined);
}

const CREDENTIAL = /auth|token|key|secret|session|cookie|passw|credential|bearer/i;

/** A capture is a secret when marked so, or when its header or its name reads like a credential. */
export function isSecretCapture(name: string, c: Step['capture'][string]): boolean {
  if (c.secret !== undefined) return c.secret;
  return CREDENTIAL.test(name) || ('header' in c && CREDENTIAL.test(c.header)) || ('jsonpath' in c && CREDENTIAL.test(c.jsonpath));
}
