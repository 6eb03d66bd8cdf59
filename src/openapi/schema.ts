/**
 * Response schemas compiled by ajv (JSON Schema 2020-12, the dialect of
 * OpenAPI 3.1). OpenAPI 3.0's own schema dialect is first rewritten into it:
 * `nullable`, and the boolean `exclusiveMinimum`/`exclusiveMaximum` of draft 4.
 * Unknown keywords (`example`, `xml`, `discriminator`) are annotations only.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import * as formatsModule from 'ajv-formats';
import type { FormatsPlugin } from 'ajv-formats';
import type { OpenApiVersion } from './document.js';

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const formats = formatsModule as unknown as { default: FormatsPlugin | { default: FormatsPlugin } };
const addFormats: FormatsPlugin = typeof formats.default === 'function' ? formats.default : formats.default.default;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const SUBSCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'] as const;
const SUBSCHEMA_ONE = ['items', 'additionalProperties', 'not', 'contains', 'propertyNames', 'if', 'then', 'else', 'unevaluatedProperties', 'unevaluatedItems'] as const;
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const;

/** One 3.0 schema as 2020-12, recursively; a new object (the document is not touched). */
export function fromOpenApi30(schema: unknown, seen = new Map<object, unknown>()): unknown {
  if (Array.isArray(schema)) return schema.map((s) => fromOpenApi30(s, seen));
  if (!isObject(schema)) return schema;
  const done = seen.get(schema);
  if (done !== undefined) return done;
  const out: Json = {};
  seen.set(schema, out);
  for (const [k, v] of Object.entries(schema)) {
    if ((SUBSCHEMA_MAPS as readonly string[]).includes(k) && isObject(v)) {
      out[k] = Object.fromEntries(Object.entries(v).map(([n, s]) => [n, fromOpenApi30(s, seen)]));
    } else if ((SUBSCHEMA_ONE as readonly string[]).includes(k) || (SUBSCHEMA_LISTS as readonly string[]).includes(k)) {
      out[k] = fromOpenApi30(v, seen);
    } else if (k !== 'nullable' && k !== 'exclusiveMinimum' && k !== 'exclusiveMaximum') {
      out[k] = v;
    }
  }
  for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (schema[flag] === true && typeof schema[bound] === 'number') {
      out[flag] = schema[bound];
      delete out[bound];
    } else if (typeof schema[flag] === 'number') out[flag] = schema[flag];
  }
  if (schema.nullable !== true) return out;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  const nullable = { anyOf: [{ ...out }, { type: 'null' }] };
  for (const k of Object.keys(out)) delete out[k];
  Object.assign(out, nullable);
  return out;
}

export interface SchemaError {
  /** JSON pointer into the body, e.g. /bars/0/high */
  pointer: string;
  /** the JSON Schema keyword broken, e.g. type, required */
  keyword: string;
  message: string;
}

export type BodyValidator = (value: unknown) => SchemaError[];

const INT32 = 2 ** 31;

/** One ajv per contract; validators are compiled once per schema object. */
export class SchemaCompiler {
  private readonly ajv: Ajv2020;
  private readonly cache = new Map<object, BodyValidator>();

  constructor(private readonly version: OpenApiVersion, private readonly components: unknown) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, logger: false, validateFormats: true });
    addFormats(this.ajv);
    // OpenAPI's own formats: the integer ranges are checked, the rest are annotations.
    this.ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -INT32 && n < INT32 });
    this.ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
    for (const f of ['float', 'double']) this.ajv.addFormat(f, { type: 'number', validate: () => true });
    for (const f of ['byte', 'binary', 'password']) this.ajv.addFormat(f, () => true);
  }

  /** Throws with ajv's reason when the documented schema does not compile. */
  compile(schema: object): BodyValidator {
    const hit = this.cache.get(schema);
    if (hit) return hit;
    let converted = (this.version === '3.0' ? fromOpenApi30(schema) : schema) as Json;
    // A cycle stays a `$ref` into the document's components: give ajv the components to resolve it.
    if (JSON.stringify(converted, circularSafe()).includes('"$ref"') && this.components !== undefined) {
      const components = this.version === '3.0' ? fromOpenApi30(this.components) : this.components;
      converted = { ...converted, components };
    }
    const validate: ValidateFunction = this.ajv.compile(converted);
    const fn: BodyValidator = (value) => (validate(value) ? [] : (validate.errors ?? []).map(toSchemaError));
    this.cache.set(schema, fn);
    return fn;
  }
}

function circularSafe(): (key: string, value: unknown) => unknown {
  const seen = new WeakSet<object>();
  return (_k, v) => {
    if (typeof v !== 'object' || v === null) return v;
    if (seen.has(v)) return undefined;
    seen.add(v);
    return v;
  };
}

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

function toSchemaError(e: ErrorObject): SchemaError {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'required' && typeof params.missingProperty === 'string') {
    return { pointer: `${e.instancePath}/${escapePointer(params.missingProperty)}`, keyword: 'required', message: 'is required but missing' };
  }
  if (e.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    return { pointer: `${e.instancePath}/${escapePointer(params.additionalProperty)}`, keyword: 'additionalProperties', message: 'is not allowed' };
  }
  return { pointer: e.instancePath || '/', keyword: e.keyword, message: e.message ?? 'is invalid' };
}
