/**
 * A JSON Schema validator's errors, as golive words them: the JSON pointer,
 * the rule broken and a bounded preview of the value. Runtime-neutral (no ajv
 * at run time): the node engine's compiled validators and the k6 bundle's
 * standalone ones (schema-runtime.ts) report through this one module, so a
 * failure reads the same under both engines.
 */
import type { ErrorObject } from 'ajv';
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

/** The shape ajv's validate functions have, compiled or standalone. */
export interface AjvValidateFunction {
  (value: unknown): boolean;
  errors?: ErrorObject[] | null;
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

const unnamed = (value: unknown): SchemaFailure => ({ pointer: '', rule: 'schema', message: 'is invalid', got: preview(value) });

/** An ajv validate function as golive's validator: the first rule broken, or undefined. */
export function asValidator(fn: AjvValidateFunction): SchemaValidator {
  return (value) => {
    if (fn(value)) return undefined;
    const first = fn.errors?.[0];
    return first ? failureOf(first, value) : unnamed(value);
  };
}

/** The same, every rule broken (with ajv's allErrors). */
export function asAllValidator(fn: AjvValidateFunction): SchemaAllValidator {
  return (value, max) => {
    if (fn(value)) return { failures: [], total: 0 };
    const errors = fn.errors ?? [];
    if (errors.length === 0) return { failures: [unnamed(value)], total: 1 };
    return { failures: errors.slice(0, max).map((e) => failureOf(e, value)), total: errors.length };
  };
}

/** `/bars/0/high: must be number (rule: type), got "12"` */
export function describeSchemaFailure(f: SchemaFailure): string {
  return `${f.pointer === '' ? '/' : f.pointer}: ${f.message} (rule: ${f.rule}), got ${f.got}`;
}
