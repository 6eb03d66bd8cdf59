/**
 * Response schemas of a contract, compiled by the one JSON Schema module
 * (checks/declared/json-schema.ts: dialect 2020-12, the dialect of OpenAPI
 * 3.1, with OpenAPI's formats, and its error wording). OpenAPI 3.0's own
 * schema dialect is first rewritten into it: `nullable`, and the boolean
 * `exclusiveMinimum`/`exclusiveMaximum` of draft 4. Unknown keywords
 * (`example`, `xml`, `discriminator`) are annotations only.
 */
import { compileJsonSchema, type SchemaOptions } from '../../checks/declared/json-schema.js';
import type { OpenApiVersion } from './document.js';
import { bodyValidator, type BodyValidator } from './table.js';

/** How every response schema of a contract is compiled (once: k6's ahead-of-time code is the same validator's). */
export const CONTRACT_SCHEMA_OPTIONS: SchemaOptions = { dialect: '2020-12', allErrors: true, formats: 'openapi' };

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

export type { BodyValidator, SchemaError } from './table.js';

/** One compiler per contract; validators are compiled once per schema object. */
export class SchemaCompiler {
  private readonly cache = new Map<object, BodyValidator>();
  /** each validator's standalone code, for the k6 engine's ahead-of-time contract (compiled once, kept as code) */
  private readonly sources = new Map<BodyValidator, () => string>();

  constructor(private readonly version: OpenApiVersion, private readonly components: unknown) {}

  /** Throws with the JSON Schema compiler's reason when the documented schema does not compile. */
  compile(schema: object): BodyValidator {
    const hit = this.cache.get(schema);
    if (hit) return hit;
    let converted = (this.version === '3.0' ? fromOpenApi30(schema) : schema) as Json;
    // A cycle stays a `$ref` into the document's components: give the compiler the components to resolve it.
    if (JSON.stringify(converted, circularSafe()).includes('"$ref"') && this.components !== undefined) {
      const components = this.version === '3.0' ? fromOpenApi30(this.components) : this.components;
      converted = { ...converted, components };
    }
    const compiled = compileJsonSchema(converted, CONTRACT_SCHEMA_OPTIONS, true);
    if (!compiled.ok) throw new Error(compiled.cause);
    const fn = bodyValidator(compiled.validateAll);
    this.cache.set(schema, fn);
    if (compiled.source) this.sources.set(fn, compiled.source);
    return fn;
  }

  /** `fn` as ajv's standalone code (undefined for a validator of another compiler). */
  sourceOf(fn: BodyValidator): string | undefined {
    return this.sources.get(fn)?.();
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
