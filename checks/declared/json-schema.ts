/**
 * JSON Schema validation for golive: the one place ajv is configured. Used by
 * the declared checks' `schema` assertion and reusable by anything else that
 * holds a body against a schema (OpenAPI response conformance). A schema that
 * does not compile is a config error before the first request; a body that
 * breaks it fails with the JSON pointer and the rule broken, never the whole
 * body quoted.
 */
import { Ajv, _ } from 'ajv';
import type { Options, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { OPENAPI_FORMATS, OPENAPI_FORMATS_MODULE } from './openapi-formats.js';
import { asAllValidator, asValidator } from './schema-failure.js';
import type { SchemaAllValidator, SchemaValidator } from './schema-failure.js';

export type { SchemaAllValidator, SchemaFailure, SchemaValidator } from './schema-failure.js';
export { describeSchemaFailure } from './schema-failure.js';

export type CompiledSchema =
  | {
    ok: true; validate: SchemaValidator; validateAll: SchemaAllValidator;
    /** this very validator as ajv's standalone code (CommonJS), for the k6 bundle; only when compiled `portable` */
    source: (() => string) | undefined;
  }
  /** `error`: the line to show; `cause`: ajv's own reason alone */
  | { ok: false; error: string; cause: string };

export interface SchemaOptions {
  /** `2020-12` (default) or `draft-07` (also what OpenAPI 3.0's dialect is closest to) */
  dialect?: '2020-12' | 'draft-07';
  /** extra keywords to accept and ignore (OpenAPI's `nullable`, `example`, `x-*`) */
  keywords?: string[];
  /** find every broken rule, not only the first (the API's contract counts them) */
  allErrors?: boolean;
  /** also OpenAPI's formats: int32 and int64 ranges checked; float, double, byte, binary, password annotations */
  formats?: 'openapi';
}

function addOpenApiFormats(ajv: Ajv): void {
  for (const [name, def] of Object.entries(OPENAPI_FORMATS)) ajv.addFormat(name, def);
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const standaloneCode = standaloneModule as unknown as (ajv: Ajv, fn: ValidateFunction) => string;
const instances = new Map<string, Ajv>();

/** `source`: an instance that keeps each validator's code, for jsonSchemaSource */
function ajvFor(opts: SchemaOptions, source = false): Ajv {
  const dialect = opts.dialect ?? '2020-12';
  const keywords = [...(opts.keywords ?? [])].sort();
  const key = `${dialect}\u0000${keywords.join(',')}\u0000${opts.allErrors === true}\u0000${opts.formats ?? ''}\u0000${String(source)}`;
  let ajv = instances.get(key);
  if (!ajv) {
    // allErrors off by default: the first broken rule is the reason; strict on schema shape so typos surface at load.
    // Generated code with OpenAPI's formats asks for golive's definitions (and ajv-formats' others) by one module id.
    const code = opts.formats === 'openapi' ? { source: true, formats: _`require(${OPENAPI_FORMATS_MODULE})` } : { source: true };
    const base: Options = { allErrors: opts.allErrors === true, strict: 'log', logger: false, validateSchema: true, ...(source ? { code } : {}) };
    ajv = dialect === '2020-12' ? new Ajv2020(base) : new Ajv(base);
    addFormats(ajv);
    if (opts.formats === 'openapi') addOpenApiFormats(ajv);
    for (const k of keywords) ajv.addKeyword(k);
    instances.set(key, ajv);
  }
  return ajv;
}

function compileWith(ajv: Ajv, schema: unknown): { ok: true; fn: ValidateFunction } | { ok: false; error: string; cause: string } {
  try {
    return { ok: true, fn: ajv.compile(schema as object) };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const cause = msg.split('\n')[0] ?? msg;
    return { ok: false, error: `schema does not compile: ${cause}`, cause };
  }
}

/**
 * Compiles once; the validator returns the first rule broken, or undefined.
 * `portable`: its code is kept, so `source()` gives the k6 bundle the same
 * validator without compiling the schema again (the API's contract).
 */
export function compileJsonSchema(schema: unknown, opts: SchemaOptions = {}, portable = false): CompiledSchema {
  const ajv = ajvFor(opts, portable);
  const c = compileWith(ajv, schema);
  if (!c.ok) return c;
  return { ok: true, validate: asValidator(c.fn), validateAll: asAllValidator(c.fn), source: portable ? () => standaloneCode(ajv, c.fn) : undefined };
}

/**
 * The same validator as JavaScript source (ajv's standalone code, CommonJS),
 * for runtimes that must not compile schemas themselves: the k6 bundle loads
 * it with schema-runtime.ts. Same options, so the same errors.
 */
export function jsonSchemaSource(schema: unknown, opts: SchemaOptions = {}): { ok: true; source: string } | { ok: false; error: string } {
  const ajv = ajvFor(opts, true);
  const c = compileWith(ajv, schema);
  return c.ok ? { ok: true, source: standaloneCode(ajv, c.fn) } : c;
}
