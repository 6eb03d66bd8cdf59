/**
 * Reads a zod schema's structure (objects, their keys, arrays, records,
 * unions) for three jobs that must agree with the schema itself: refusing
 * unknown keys in a user's config (every object, at every depth, including
 * objects added later: nobody has to remember a `.strict()`), the nearest
 * known key of a misspelt one, and the generated configuration reference.
 * Pure; zod's internals are read through the small `Def` view below.
 */
import type { z } from 'zod';

type Schema = z.core.$ZodType;

/** The parts of zod 4's definitions this module reads. */
interface Def {
  type: string;
  shape?: Record<string, Schema>;
  catchall?: Schema;
  element?: Schema;
  valueType?: Schema;
  innerType?: Schema;
  in?: Schema;
  options?: readonly Schema[];
  discriminator?: string;
  values?: readonly unknown[];
  entries?: Record<string, unknown>;
  defaultValue?: unknown;
}

export const defOf = (s: Schema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Wrappers that do not change which keys an object takes. */
const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional', 'success']);

/** The schema under optional/default/prefault/transform wrappers. */
export function unwrap(s: Schema): Schema {
  let cur = s;
  for (;;) {
    const d = defOf(cur);
    if (WRAPPERS.has(d.type) && d.innerType) cur = d.innerType;
    else if (d.type === 'pipe' && d.in) cur = d.in;
    else return cur;
  }
}

/** The default a wrapper gives (the first one found on the way in), if any. */
export function defaultOf(s: Schema): { value: unknown } | undefined {
  let cur = s;
  for (;;) {
    const d = defOf(cur);
    if ((d.type === 'default' || d.type === 'prefault') && d.innerType) {
      const v = typeof d.defaultValue === 'function' ? (d.defaultValue as () => unknown)() : d.defaultValue;
      return { value: v };
    }
    if (WRAPPERS.has(d.type) && d.innerType) cur = d.innerType;
    else if (d.type === 'pipe' && d.in) cur = d.in;
    else return undefined;
  }
}

export function isOptional(s: Schema): boolean {
  let cur = s;
  for (;;) {
    const d = defOf(cur);
    if (d.type === 'optional' || d.type === 'default' || d.type === 'prefault') return true;
    if (WRAPPERS.has(d.type) && d.innerType) cur = d.innerType;
    else if (d.type === 'pipe' && d.in) cur = d.in;
    else return false;
  }
}

/** An object's keys, when `s` is (a wrapped) object schema. */
export function shapeOf(s: Schema): Record<string, Schema> | undefined {
  const d = defOf(unwrap(s));
  return d.type === 'object' ? d.shape : undefined;
}

/** The options of a union whose values can be objects. */
function objectOptions(d: Def): Schema[] {
  return (d.options ?? []).filter((o) => shapeOf(o) !== undefined);
}

/** The literal values a discriminator key takes in one option. */
function discriminatorValues(option: Schema, key: string): readonly unknown[] {
  const k = shapeOf(option)?.[key];
  if (!k) return [];
  const d = defOf(unwrap(k));
  if (d.type === 'literal') return d.values ?? [];
  if (d.type === 'enum') return Object.values(d.entries ?? {});
  return [];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface UnknownKey {
  /** where the key was found, e.g. ['load'] */
  at: readonly (string | number)[];
  key: string;
  /** the keys that object does take */
  known: readonly string[];
}

/**
 * Every key of `value` that the schema has no place for, at every depth.
 * Values of the wrong type are left to the schema's own validation.
 */
export function unknownKeys(schema: Schema, value: unknown, at: readonly (string | number)[] = []): UnknownKey[] {
  const s = unwrap(schema);
  const d = defOf(s);
  if (d.type === 'object' && isRecord(value)) {
    const shape = d.shape ?? {};
    const loose = d.catchall !== undefined && defOf(d.catchall).type !== 'never';
    const out: UnknownKey[] = [];
    for (const [k, v] of Object.entries(value)) {
      const child = shape[k];
      if (child) out.push(...unknownKeys(child, v, [...at, k]));
      else if (!loose) out.push({ at, key: k, known: Object.keys(shape) });
      else if (d.catchall) out.push(...unknownKeys(d.catchall, v, [...at, k]));
    }
    return out;
  }
  if (d.type === 'array' && d.element && Array.isArray(value)) return value.flatMap((v, i) => unknownKeys(d.element as Schema, v, [...at, i]));
  if (d.type === 'record' && d.valueType && isRecord(value)) return Object.entries(value).flatMap(([k, v]) => unknownKeys(d.valueType as Schema, v, [...at, k]));
  if (d.type === 'union' && isRecord(value)) {
    const options = objectOptions(d);
    if (d.discriminator !== undefined) {
      const key = d.discriminator;
      const match = options.find((o) => discriminatorValues(o, key).includes(value[key]));
      return match ? unknownKeys(match, value, at) : [];
    }
    // Without a discriminator: judge by the option the value fits best.
    let best: UnknownKey[] | undefined;
    for (const o of options) {
      const found = unknownKeys(o, value, at);
      if (best === undefined || found.length < best.length) best = found;
    }
    return best ?? [];
  }
  return [];
}

/** One key of the schema, for the configuration reference and the strictness test. */
export interface SchemaEntry {
  /** dotted path; array elements as `[]`, record values as `<name>` */
  path: string;
  schema: Schema;
}

/** Every object key of the schema, depth first, in declaration order. */
export function schemaEntries(schema: Schema, prefix = ''): SchemaEntry[] {
  const s = unwrap(schema);
  const d = defOf(s);
  const join = (k: string) => (prefix === '' ? k : `${prefix}.${k}`);
  if (d.type === 'object') {
    return Object.entries(d.shape ?? {}).flatMap(([k, child]) => [{ path: join(k), schema: child }, ...schemaEntries(child, join(k))]);
  }
  if (d.type === 'array' && d.element) return schemaEntries(d.element, `${prefix}[]`);
  if (d.type === 'record' && d.valueType) return schemaEntries(d.valueType, `${prefix}.<name>`);
  if (d.type === 'union') {
    const seen = new Set<string>();
    return (d.options ?? []).flatMap((o) => schemaEntries(o, prefix)).filter((e) => !seen.has(e.path) && (seen.add(e.path), true));
  }
  return [];
}

/** Every object schema reachable from `schema`, with the path it sits at. */
export function objectSchemas(schema: Schema, path = '(root)'): { path: string; def: Def }[] {
  const s = unwrap(schema);
  const d = defOf(s);
  if (d.type === 'object') {
    return [{ path, def: d }, ...Object.entries(d.shape ?? {}).flatMap(([k, c]) => objectSchemas(c, path === '(root)' ? k : `${path}.${k}`))];
  }
  if (d.type === 'array' && d.element) return objectSchemas(d.element, `${path}[]`);
  if (d.type === 'record' && d.valueType) return objectSchemas(d.valueType, `${path}.<name>`);
  if (d.type === 'union') return (d.options ?? []).flatMap((o) => objectSchemas(o, path));
  return [];
}

/** Every schema node reachable (through wrappers too), for finding types this walker cannot see into. */
export function allNodes(schema: Schema, path = '(root)'): { path: string; type: string }[] {
  const d = defOf(schema);
  const here = { path, type: d.type };
  if (WRAPPERS.has(d.type) && d.innerType) return [here, ...allNodes(d.innerType, path)];
  if (d.type === 'pipe' && d.in) return [here, ...allNodes(d.in, path)];
  if (d.type === 'object') return [here, ...Object.entries(d.shape ?? {}).flatMap(([k, c]) => allNodes(c, path === '(root)' ? k : `${path}.${k}`))];
  if (d.type === 'array' && d.element) return [here, ...allNodes(d.element, `${path}[]`)];
  if (d.type === 'record' && d.valueType) return [here, ...allNodes(d.valueType, `${path}.<name>`)];
  if (d.type === 'union') return [here, ...(d.options ?? []).flatMap((o) => allNodes(o, path))];
  return [here];
}
