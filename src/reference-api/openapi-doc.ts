/**
 * The reference API's own contract, served at GET /openapi.json the way the
 * system's FastAPI gateway serves its own: OpenAPI 3.1, schemas under
 * components, bearer and OAuth2 password security schemes. It describes what
 * the server answers when healthy; `--bad-schema` does not change it, so the
 * drift is what a conformance check must catch.
 */
import { MAX_RANGE_DAYS } from './market-request.js';
import { LOGIN_USERNAME, VERSION } from './routes.js';
import { SIGNAL_SYMBOLS } from './signals.js';

export const OPENAPI_PATH = '/openapi.json';

const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const error = (description: string) => ({ description, content: json('Error') });
const unauthorized = {
  description: 'Missing or invalid bearer token',
  headers: { 'WWW-Authenticate': { required: true, schema: { type: 'string' }, description: 'the scheme to authenticate with' } },
  content: json('Error'),
};
const isoDate = { type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };

const schemas = {
  GatewayHealth: {
    title: 'GatewayHealth', type: 'object',
    properties: {
      status: { type: 'string', enum: ['ok', 'unavailable'] },
      service: { type: 'string', const: 'gateway' },
      version: { type: 'string' },
      timestamp: { type: 'string', format: 'date-time' },
    },
    required: ['status', 'service', 'version', 'timestamp'],
  },
  DataHealth: {
    title: 'DataHealth', type: 'object',
    properties: {
      status: { type: 'string', enum: ['ok', 'unavailable'] },
      service: { type: 'string', const: 'data-service' },
      checks: {
        type: 'object',
        properties: { database: { type: 'string' }, cache: { type: 'string' } },
        required: ['database', 'cache'],
      },
      timestamp: { type: 'string', format: 'date-time' },
    },
    required: ['status', 'service', 'checks', 'timestamp'],
  },
  MarketRequest: {
    title: 'MarketRequest', type: 'object',
    properties: {
      symbol: { type: 'string', pattern: '^[A-Z.-]{1,10}$' },
      start_date: isoDate,
      end_date: { ...isoDate, description: `at most ${MAX_RANGE_DAYS} days after start_date` },
    },
    required: ['symbol', 'start_date', 'end_date'],
  },
  Bar: {
    title: 'Bar', type: 'object',
    properties: {
      date: isoDate,
      open: { type: 'number', exclusiveMinimum: 0 },
      high: { type: 'number', exclusiveMinimum: 0 },
      low: { type: 'number', exclusiveMinimum: 0 },
      close: { type: 'number', exclusiveMinimum: 0 },
      volume: { type: 'integer', minimum: 0 },
    },
    required: ['date', 'open', 'high', 'low', 'close', 'volume'],
  },
  MarketData: {
    title: 'MarketData', type: 'object',
    properties: {
      symbol: { type: 'string' },
      start_date: isoDate,
      end_date: isoDate,
      interval: { type: 'string', enum: ['1d'] },
      bars: { type: 'array', items: { $ref: '#/components/schemas/Bar' } },
      source: { type: 'string' },
    },
    required: ['symbol', 'start_date', 'end_date', 'interval', 'bars', 'source'],
  },
  LoginRequest: {
    title: 'LoginRequest', type: 'object',
    properties: {
      username: { type: 'string', minLength: 1, description: `the account, \`${LOGIN_USERNAME}\`` },
      password: { type: 'string', minLength: 1, description: 'the API token' },
    },
    required: ['username', 'password'],
  },
  Token: {
    title: 'Token', type: 'object',
    properties: {
      access_token: { type: 'string', minLength: 1 },
      token_type: { type: 'string', enum: ['bearer'] },
      expires_in: { type: 'integer', minimum: 1 },
    },
    required: ['access_token', 'token_type', 'expires_in'],
  },
  Signal: {
    title: 'Signal', type: 'object',
    properties: {
      symbol: { type: 'string', enum: [...SIGNAL_SYMBOLS] },
      action: { type: 'string', enum: ['buy', 'sell', 'hold'] },
      confidence: { type: 'number', minimum: 0, maximum: 1 },
      as_of: isoDate,
    },
    required: ['symbol', 'action', 'confidence', 'as_of'],
  },
  SignalList: {
    title: 'SignalList', type: 'object',
    properties: {
      signals: { type: 'array', items: { $ref: '#/components/schemas/Signal' } },
      generated_at: { type: 'string', format: 'date-time' },
    },
    required: ['signals', 'generated_at'],
  },
  Error: {
    title: 'Error', type: 'object',
    properties: { error: { type: 'string' } },
    required: ['error'],
  },
};

const DOCUMENT = {
  openapi: '3.1.0',
  info: { title: 'Signal Trading Gateway (golive reference API)', version: VERSION },
  paths: {
    '/health': {
      get: {
        tags: ['health'], summary: 'Gateway health', operationId: 'gateway_health_health_get',
        responses: {
          200: { description: 'The gateway is up', content: json('GatewayHealth') },
          503: { description: 'The gateway is unavailable', content: json('GatewayHealth') },
        },
      },
    },
    '/api/v1/data/health': {
      get: {
        tags: ['health'], summary: 'Data service health', operationId: 'data_health_api_v1_data_health_get',
        responses: {
          200: { description: 'The data service and its dependencies are up', content: json('DataHealth') },
          503: { description: 'The data service is unavailable', content: json('DataHealth') },
        },
      },
    },
    '/api/v1/data/market': {
      post: {
        tags: ['data'], summary: 'Daily OHLCV bars of a symbol', operationId: 'market_data_api_v1_data_market_post',
        security: [{ HTTPBearer: [] }],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/MarketRequest' }, example: { symbol: 'AAPL', start_date: '2025-09-01', end_date: '2025-09-03' } } },
        },
        responses: {
          200: { description: 'One bar per calendar day of the range', content: json('MarketData') },
          400: error('The request body is invalid (the field is named)'),
          401: unauthorized,
          413: error('The request body is too large'),
        },
      },
    },
    '/api/v1/auth/login': {
      post: {
        tags: ['auth'], summary: 'Exchange credentials for a session token', operationId: 'login_api_v1_auth_login_post',
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/LoginRequest' } },
            'application/x-www-form-urlencoded': { schema: { $ref: '#/components/schemas/LoginRequest' } },
          },
        },
        responses: {
          200: { description: 'A bearer session token', content: json('Token') },
          400: error('The request body is invalid'),
          401: unauthorized,
          413: error('The request body is too large'),
        },
      },
    },
    '/api/v1/signals': {
      get: {
        tags: ['signals'], summary: "Today's trading signals", operationId: 'signals_api_v1_signals_get',
        security: [{ OAuth2PasswordBearer: [] }],
        responses: {
          200: { description: 'One signal per followed symbol', content: json('SignalList') },
          401: unauthorized,
        },
      },
    },
  },
  components: {
    schemas,
    securitySchemes: {
      HTTPBearer: { type: 'http', scheme: 'bearer', description: 'the API token' },
      OAuth2PasswordBearer: { type: 'oauth2', flows: { password: { tokenUrl: '/api/v1/auth/login', scopes: {} } } },
    },
  },
} as const;

/** The document's bytes, built once: every GET /openapi.json answers the same. */
export const OPENAPI_JSON = JSON.stringify(DOCUMENT);

/** A fresh copy for callers that mutate (dereferencing replaces $refs in place). */
export function openApiDocument(): Record<string, unknown> {
  return JSON.parse(OPENAPI_JSON) as Record<string, unknown>;
}
