/**
 * The reference API's behaviour as a pure function of a fully read request:
 * the server module does the I/O, the fault timing and nothing else.
 */
import { bearerMatches, secretMatches } from './auth.js';
import { barsFor, malformBars } from './bars.js';
import { parseLoginRequest } from './login-request.js';
import { parseMarketRequest } from './market-request.js';
import { bearerToken, SESSION_TTL_SECONDS, type Sessions } from './sessions.js';
import { signalsFor } from './signals.js';

export interface ApiRequest {
  method: string;
  /** path without the query string */
  path: string;
  authorization: string | undefined;
  contentType?: string | undefined;
  body: string;
  bodyTooLarge: boolean;
}

export interface ApiResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RouteConfig {
  tokenDigest: Buffer;
  down: boolean;
  badSchema: boolean;
  now: () => Date;
  sessions: Sessions;
}

export const VERSION = '1.0.0';
export const MAX_BODY_BYTES = 64 * 1024;
/** The one account of POST /api/v1/auth/login; its password is the API token. */
export const LOGIN_USERNAME = 'golive';
const DAY_MS = 86_400_000;

type Handler = (req: ApiRequest, cfg: RouteConfig) => ApiResponse;

const ROUTES: Record<string, { method: 'GET' | 'POST'; handle: Handler }> = {
  '/health': { method: 'GET', handle: gatewayHealth },
  '/api/v1/data/health': { method: 'GET', handle: dataHealth },
  '/api/v1/data/market': { method: 'POST', handle: market },
  '/api/v1/auth/login': { method: 'POST', handle: login },
  '/api/v1/signals': { method: 'GET', handle: signals },
};

/** The routes the server answers, for the OpenAPI document to be checked against. */
export const ROUTE_TABLE: ReadonlyArray<{ path: string; method: 'GET' | 'POST' }> = Object.entries(ROUTES).map(([path, r]) => ({ path, method: r.method }));

const UNAUTHORIZED: ApiResponse = { status: 401, body: { error: 'missing or invalid bearer token' }, headers: { 'www-authenticate': 'Bearer' } };

export function route(req: ApiRequest, cfg: RouteConfig): ApiResponse {
  const r = ROUTES[req.path];
  if (!r) return { status: 404, body: { error: `no route for ${req.path.slice(0, 200)}` } };
  if (req.method !== r.method) {
    return { status: 405, body: { error: `method ${req.method} not allowed; use ${r.method}` }, headers: { allow: r.method } };
  }
  return r.handle(req, cfg);
}

function gatewayHealth(_req: ApiRequest, cfg: RouteConfig): ApiResponse {
  const timestamp = cfg.now().toISOString();
  if (cfg.down) return { status: 503, body: { status: 'unavailable', service: 'gateway', version: VERSION, timestamp } };
  return { status: 200, body: { status: 'ok', service: 'gateway', version: VERSION, timestamp } };
}

function dataHealth(_req: ApiRequest, cfg: RouteConfig): ApiResponse {
  const timestamp = cfg.now().toISOString();
  if (cfg.down) {
    return {
      status: 503,
      body: { status: 'unavailable', service: 'data-service', checks: { database: 'unreachable', cache: 'unreachable' }, timestamp },
    };
  }
  return { status: 200, body: { status: 'ok', service: 'data-service', checks: { database: 'ok', cache: 'ok' }, timestamp } };
}

function market(req: ApiRequest, cfg: RouteConfig): ApiResponse {
  // Authentication first: an anonymous caller learns nothing about validation.
  if (!bearerMatches(req.authorization, cfg.tokenDigest)) {
    return UNAUTHORIZED;
  }
  if (req.bodyTooLarge) return { status: 413, body: { error: `body: larger than ${MAX_BODY_BYTES} bytes` } };
  const parsed = parseMarketRequest(req.body);
  if (!parsed.ok) return { status: 400, body: { error: parsed.error } };
  const { symbol, startDay, endDay, start_date, end_date } = parsed.value;
  const bars = barsFor(symbol, startDay, endDay);
  return {
    status: 200,
    body: {
      symbol,
      start_date,
      end_date,
      interval: '1d',
      bars: cfg.badSchema ? malformBars(bars) : bars,
      source: 'reference-api',
    },
  };
}

function login(req: ApiRequest, cfg: RouteConfig): ApiResponse {
  if (req.bodyTooLarge) return { status: 413, body: { error: `body: larger than ${MAX_BODY_BYTES} bytes` } };
  const parsed = parseLoginRequest(req.body, req.contentType);
  if (!parsed.ok) return { status: 400, body: { error: parsed.error } };
  // Both comparisons always run, so the answer's timing does not say which one failed.
  const userOk = parsed.value.username === LOGIN_USERNAME;
  const passwordOk = secretMatches(parsed.value.password, cfg.tokenDigest);
  if (!userOk || !passwordOk) return { status: 401, body: { error: 'invalid username or password' }, headers: { 'www-authenticate': 'Bearer' } };
  const token = cfg.sessions.issue(cfg.now().getTime());
  return { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: SESSION_TTL_SECONDS } };
}

/** Needs a session token from login: the API token itself is not accepted here. */
function signals(req: ApiRequest, cfg: RouteConfig): ApiResponse {
  const now = cfg.now();
  const token = bearerToken(req.authorization);
  if (token === undefined || !cfg.sessions.valid(token, now.getTime())) return UNAUTHORIZED;
  return { status: 200, body: { signals: signalsFor(Math.floor(now.getTime() / DAY_MS)), generated_at: now.toISOString() } };
}
