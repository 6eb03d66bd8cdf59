/**
 * JSON Schema validation for golive: the one place ajv is configured. Used by
 * the declared checks' `schema` assertion and reusable by anything else that
 * holds a body against a schema (OpenAPI response conformance). A schema that
 * does not compile is a config error before the first request; a body that
 * breaks it fails with the JSON pointer and the rule broken, never the whole
 * body quoted.
 */
import { Ajv } from 'ajv';
import type { Options, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { asValidator } from './schema-failure.js';
import type { SchemaValidator } from './schema-failure.js';

export type { SchemaFailure, SchemaValidator } from './schema-failure.js';
export { describeSchemaFailure } from './schema-failure.js';

export type CompiledSchema = { ok: true; validate: SchemaValidator } | { ok: false; error: string };

export interface SchemaOptions {
  /** `2020-12` (default) or `draft-07` (also what OpenAPI 3.0's dialect is closest to) */
  dialect?: '2020-12' | 'draft-07';
  /** extra keywords to accept and ignore (OpenAPI's `nullable`, `example`, `x-*`) */
  keywords?: string[];
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const standaloneCode = standaloneModule as unknown as (ajv: Ajv, fn: ValidateFunction) => string;
const instances = new Map<string, Ajv>();

function ajvFor(opts: SchemaOptions, source = false): Ajv {
  const dialect = opts.dialect ?? '2020-12';
  const keywords = [...(opts.keywords ?? [])].sort();
  const key = `${dialect}\u0000${keywords.join(',')}\u0000${String(source)}`;
  let ajv = instances.get(key);
  if (!ajv) {
    // allErrors off: the first broken rule is the reason; strict on schema shape so typos surface at load.
    const base: Options = { allErrors: false, strict: 'log', logger: false, validateSchema: true, ...(source ? { code: { source: true } } : {}) };
    ajv = dialect === '2020-12' ? new Ajv2020(base) : new Ajv(base);
    addFormats(ajv);
    for (const k of keywords) ajv.addKeyword(k);
    instances.set(key, ajv);
  }
  return ajv;
}

function compileWith(ajv: Ajv, schema: unknown): { ok: true; fn: ValidateFunction } | { ok: false; error: string } {
  try {
    return { ok: true, fn: ajv.compile(schema as object) };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return { ok: false, error: `schema does not compile: ${msg.split('\n')[0] ?? msg}` };
  }
}

/**
 * The same validator as JavaScript source (ajv's standalone code, CommonJS),
 * for runtimes that must not compile schemas themselves: the k6 bundle loads
 * it with schema-runtime.ts. Same options, so the same first error.
 */
export function jsonSchemaSource(schema: unknown, opts: SchemaOptions = {}): { ok: true; source: string } | { ok: false; error: string } {
  const ajv = ajvFor(opts, true);
  const c = compileWith(ajv, schema);
  return c.ok ? { ok: true, source: standaloneCode(ajv, c.fn) } : c;
}

/** Compiles once; the validator returns the first rule broken, or undefined. */
export function compileJsonSchema(schema: unknown, opts: SchemaOptions = {}): CompiledSchema {
  const c = compileWith(ajvFor(opts), schema);
  return c.ok ? { ok: true, validate: asValidator(c.fn) } : c;
}

