/**
 * JSON Schema validation for golive: the one place ajv is configured. Used by
 * the declared checks' `schema` assertion and reusable by anything else that
 * holds a body against a schema (OpenAPI response conformance). A schema that
 * does not compile is a config error before the first request; a body that
 * breaks it fails with the JSON pointer and the rule broken, never the whole
 * body quoted.
 */
import { Ajv } from 'ajv';
import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { preview } from '../outcome.js';

/** The first rule a value broke. */
export interface SchemaFailure {
  /** JSON pointer into the value, '' for the root */
  pointer: string;
  /** the schema keyword, e.g. `type`, `required` */
  rule: string;
  /** ajv's wording, e.g. `must be number` */
  message: string;
  /** the offending value, previewed (bounded) */
  got: string;
}

export type SchemaValidator = (value: unknown) => SchemaFailure | undefined;

export type CompiledSchema = { ok: true; validate: SchemaValidator } | { ok: false; error: string };

export interface SchemaOptions {
  /** `2020-12` (default) or `draft-07` (also what OpenAPI 3.0's dialect is closest to) */
  dialect?: '2020-12' | 'draft-07';
  /** extra keywords to accept and ignore (OpenAPI's `nullable`, `example`, `x-*`) */
  keywords?: string[];
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const instances = new Map<string, Ajv>();

function ajvFor(opts: SchemaOptions): Ajv {
  const dialect = opts.dialect ?? '2020-12';
  const keywords = [...(opts.keywords ?? [])].sort();
  const key = `${dialect}\u0000${keywords.join(',')}`;
  let ajv = instances.get(key);
  if (!ajv) {
    // allErrors off: the first broken rule is the reason; strict on schema shape so typos surface at load.
    const base: Options = { allErrors: false, strict: 'log', logger: false, validateSchema: true };
    ajv = dialect === '2020-12' ? new Ajv2020(base) : new Ajv(base);
    addFormats(ajv);
    for (const k of keywords) ajv.addKeyword(k);
    instances.set(key, ajv);
  }
  return ajv;
}

function at(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let cur = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function failureOf(err: ErrorObject, root: unknown): SchemaFailure {
  // `required` names the missing property below the object it is about.
  const missing = err.keyword === 'required' ? (err.params as { missingProperty?: string }).missingProperty : undefined;
  const pointer = missing !== undefined ? `${err.instancePath}/${missing.replace(/~/g, '~0').replace(/\//g, '~1')}` : err.instancePath;
  const got = missing !== undefined ? 'nothing' : preview(at(root, err.instancePath));
  return { pointer, rule: err.keyword, message: err.message ?? 'is invalid', got };
}

/** Compiles once; the validator returns the first rule broken, or undefined. */
export function compileJsonSchema(schema: unknown, opts: SchemaOptions = {}): CompiledSchema {
  let fn: ValidateFunction;
  try {
    fn = ajvFor(opts).compile(schema as object);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return { ok: false, error: `schema does not compile: ${msg.split('\n')[0] ?? msg}` };
  }
  return {
    ok: true,
    validate: (value) => {
      if (fn(value)) return undefined;
      const first = fn.errors?.[0];
      return first ? failureOf(first, value) : { pointer: '', rule: 'schema', message: 'is invalid', got: preview(value) };
    },
  };
}

/** `/bars/0/high: must be number (rule: type), got "12"` */
export function describeSchemaFailure(f: SchemaFailure): string {
  return `${f.pointer === '' ? '/' : f.pointer}: ${f.message} (rule: ${f.rule}), got ${f.got}`;
}
