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

/** Every rule broken: the first `max` described, and how many in all. */
export type SchemaAllValidator = (value: unknown, max: number) => { failures: SchemaFailure[]; total: number };

export type CompiledSchema =
  | { ok: true; validate: SchemaValidator; validateAll: SchemaAllValidator }
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

const INT32 = 2 ** 31;

function addOpenApiFormats(ajv: Ajv): void {
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -INT32 && n < INT32 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  for (const f of ['float', 'double']) ajv.addFormat(f, { type: 'number', validate: () => true });
  for (const f of ['byte', 'binary', 'password']) ajv.addFormat(f, () => true);
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const instances = new Map<string, Ajv>();

function ajvFor(opts: SchemaOptions): Ajv {
  const dialect = opts.dialect ?? '2020-12';
  const keywords = [...(opts.keywords ?? [])].sort();
  const key = `${dialect}\u0000${keywords.join(',')}\u0000${opts.allErrors === true}\u0000${opts.formats ?? ''}`;
  let ajv = instances.get(key);
  if (!ajv) {
    // allErrors off by default: the first broken rule is the reason; strict on schema shape so typos surface at load.
    const base: Options = { allErrors: opts.allErrors === true, strict: 'log', logger: false, validateSchema: true };
    ajv = dialect === '2020-12' ? new Ajv2020(base) : new Ajv(base);
    addFormats(ajv);
    if (opts.formats === 'openapi') addOpenApiFormats(ajv);
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

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

function failureOf(err: ErrorObject, root: unknown): SchemaFailure {
  const params = err.params as { missingProperty?: unknown; additionalProperty?: unknown };
  // `required` and `additionalProperties` point at the property itself, below the object ajv names.
  if (err.keyword === 'required' && typeof params.missingProperty === 'string') {
    return { pointer: `${err.instancePath}/${escapePointer(params.missingProperty)}`, rule: 'required', message: 'is required but missing', got: 'nothing' };
  }
  if (err.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    const pointer = `${err.instancePath}/${escapePointer(params.additionalProperty)}`;
    return { pointer, rule: 'additionalProperties', message: 'is not allowed', got: preview(at(root, pointer)) };
  }
  return { pointer: err.instancePath, rule: err.keyword, message: err.message ?? 'is invalid', got: preview(at(root, err.instancePath)) };
}

/** Compiles once; the validator returns the first rule broken, or undefined. */
export function compileJsonSchema(schema: unknown, opts: SchemaOptions = {}): CompiledSchema {
  let fn: ValidateFunction;
  try {
    fn = ajvFor(opts).compile(schema as object);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const cause = msg.split('\n')[0] ?? msg;
    return { ok: false, error: `schema does not compile: ${cause}`, cause };
  }
  const unnamed = (value: unknown): SchemaFailure => ({ pointer: '', rule: 'schema', message: 'is invalid', got: preview(value) });
  return {
    ok: true,
    validate: (value) => {
      if (fn(value)) return undefined;
      const first = fn.errors?.[0];
      return first ? failureOf(first, value) : unnamed(value);
    },
    validateAll: (value, max) => {
      if (fn(value)) return { failures: [], total: 0 };
      const errors = fn.errors ?? [];
      if (errors.length === 0) return { failures: [unnamed(value)], total: 1 };
      return { failures: errors.slice(0, max).map((e) => failureOf(e, value)), total: errors.length };
    },
  };
}

/** `/bars/0/high: must be number (rule: type), got "12"` */
export function describeSchemaFailure(f: SchemaFailure): string {
  return `${f.pointer === '' ? '/' : f.pointer}: ${f.message} (rule: ${f.rule}), got ${f.got}`;
}
