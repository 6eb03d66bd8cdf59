/**
 * Declared checks: the user's own requests, assertions and captures, as data.
 * Strict objects throughout: a misspelt key (`expext`) is a config error, not
 * a check that silently asserts nothing. What the schema cannot see (JSONPath
 * syntax, JSON Schemas that do not compile, captures used before they are
 * defined) is checked by src/config/checks-validate.ts.
 */
import { z } from 'zod';

const name = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, _ . or -');
const varName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a variable name (letters, digits, _)');
const regex = z.string().min(1).refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, 'expected a regular expression (JavaScript syntax)');
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'expected an HTTP header name');

/** Common to every assertion: `soft` degrades the check instead of failing it; `name` replaces the generated label. */
const common = { soft: z.boolean().optional(), name: z.string().min(1).max(200).optional() };

const statusRange = z.strictObject({ min: z.number().int().min(100).max(599), max: z.number().int().min(100).max(599) })
  .refine((r) => r.min <= r.max, 'expected min <= max');
const statusCode = z.number().int().min(100).max(599);
export const statusAssertion = z.strictObject({
  ...common,
  status: z.union([statusCode, z.array(statusCode).min(1), statusRange, z.strictObject({ matches: regex })]),
});

export const headerAssertion = z.strictObject({
  ...common,
  header: headerName,
  equals: z.string().optional(),
  matches: regex.optional(),
  exists: z.boolean().optional(),
}).refine((a) => [a.equals, a.matches, a.exists].filter((x) => x !== undefined).length === 1, 'expected exactly one of equals, matches, exists');

export const latencyAssertion = z.strictObject({ ...common, maxMs: z.number().positive() });

const comparable = z.union([z.number(), z.string()]);
const lengthRule = z.union([
  z.number().int().nonnegative(),
  z.strictObject({ lt: z.number().optional(), lte: z.number().optional(), gt: z.number().optional(), gte: z.number().optional() }),
]);
const VALUE_RULES = ['equals', 'matches', 'exists', 'lt', 'lte', 'gt', 'gte', 'length'] as const;
export const jsonpathAssertion = z.strictObject({
  ...common,
  jsonpath: z.string().min(1),
  /** any JSON value, compared deeply (opaque to the strictness walk: its keys are the user's data) */
  equals: z.unknown().optional(),
  matches: regex.optional(),
  exists: z.boolean().optional(),
  lt: comparable.optional(),
  lte: comparable.optional(),
  gt: comparable.optional(),
  gte: comparable.optional(),
  length: lengthRule.optional(),
}).refine((a) => VALUE_RULES.some((k) => a[k] !== undefined), `expected one of ${VALUE_RULES.join(', ')}`);

/** A JSON Schema (draft 2020-12 by default) for the whole body; compiled before the first request. */
export const schemaAssertion = z.strictObject({
  ...common,
  // Opaque to the config's strictness walk: a schema's keywords are ajv's to judge (compiled before the run).
  schema: z.unknown().refine((v) => typeof v === 'boolean' || (typeof v === 'object' && v !== null && !Array.isArray(v)), 'expected a JSON Schema (an object, or true/false)'),
});

export const BUILTINS = ['healthy-body', 'ohlc-bars'] as const;
export const builtinAssertion = z.strictObject({ ...common, builtin: z.enum(BUILTINS) });

export const assertion = z.union([statusAssertion, headerAssertion, latencyAssertion, jsonpathAssertion, schemaAssertion, builtinAssertion]);

export const capture = z.union([
  z.strictObject({ jsonpath: z.string().min(1), secret: z.boolean().optional() }),
  z.strictObject({ header: headerName, secret: z.boolean().optional() }),
]);

export const stepAuth = z.union([
  z.enum(['token', 'none']),
  /** a header whose value comes from an env var, e.g. { header: 'x-api-key', env: 'API_KEY' } */
  z.strictObject({ header: headerName, env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an env var name'), prefix: z.string().optional() }),
]);

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export const step = z.strictObject({
  name: z.string().min(1).max(100).optional(),
  method: z.enum(METHODS).default('GET'),
  /** a path on the target (`/api/v1/x`) or a full URL; both templated */
  path: z.string().startsWith('/').optional(),
  url: z.string().regex(/^(https?:\/\/|\$\{)/, 'expected an http(s) URL or a ${...} template').optional(),
  headers: z.record(headerName, z.string()).default({}),
  query: z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()])).default({}),
  /** the JSON body (opaque to the strictness walk: its keys are the user's data) */
  json: z.unknown().optional(),
  body: z.string().optional(),
  /** read when the config is loaded, relative to the config file; becomes `body` */
  bodyFile: z.string().min(1).optional(),
  auth: stepAuth.default('none'),
  timeoutMs: z.number().int().positive().max(600_000).optional(),
  expect: z.array(assertion).default([]),
  capture: z.record(varName, capture).default({}),
}).refine((s) => (s.path === undefined) !== (s.url === undefined), 'expected exactly one of path, url')
  .refine((s) => [s.json, s.body, s.bodyFile].filter((x) => x !== undefined).length <= 1, 'expected at most one of json, body, bodyFile');

export const declaredCheck = z.strictObject({
  name,
  /** reports, thresholds (`checks{group:x}`) and notifications show it */
  group: name.default('default'),
  /** runs once per run before the others; its captures feed every check and the load mix */
  setup: z.boolean().default(false),
  steps: z.array(step).min(1),
});

export const checksSchema = z.array(declaredCheck).default([])
  .refine((cs) => new Set(cs.map((c) => c.name)).size === cs.length, 'expected distinct check names');

/**
 * `runbook` (the default): the runbook's health and market-data checks, as
 * declared checks (checks/declared/runbook.ts); `none` drops them and their phases.
 */
export const PRESETS = ['runbook', 'none'] as const;
export const presetSchema = z.enum(PRESETS).default('runbook');

export type DeclaredCheck = z.infer<typeof declaredCheck>;
export type Step = z.infer<typeof step>;
export type Assertion = z.infer<typeof assertion>;
export type StatusAssertion = z.infer<typeof statusAssertion>;
export type HeaderAssertion = z.infer<typeof headerAssertion>;
export type JsonpathAssertion = z.infer<typeof jsonpathAssertion>;
export type Capture = z.infer<typeof capture>;
export type StepAuth = z.infer<typeof stepAuth>;
export type Builtin = (typeof BUILTINS)[number];
