/**
 * A JSON Schema validator's first error, as golive words it: the JSON pointer,
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

function failureOf(err: ErrorObject, root: unknown): SchemaFailure {
  // `required` names the missing property below the object it is about.
  const missing = err.keyword === 'required' ? (err.params as { missingProperty?: string }).missingProperty : undefined;
  const pointer = missing !== undefined ? `${err.instancePath}/${missing.replace(/~/g, '~0').replace(/\//g, '~1')}` : err.instancePath;
  const got = missing !== undefined ? 'nothing' : preview(at(root, err.instancePath));
  return { pointer, rule: err.keyword, message: err.message ?? 'is invalid', got };
}

/** An ajv validate function as golive's validator: the first rule broken, or undefined. */
export function asValidator(fn: AjvValidateFunction): SchemaValidator {
  return (value) => {
    if (fn(value)) return undefined;
    const first = fn.errors?.[0];
    return first ? failureOf(first, value) : { pointer: '', rule: 'schema', message: 'is invalid', got: preview(value) };
  };
}

/** `/bars/0/high: must be number (rule: type), got "12"` */
export function describeSchemaFailure(f: SchemaFailure): string {
  return `${f.pointer === '' ? '/' : f.pointer}: ${f.message} (rule: ${f.rule}), got ${f.got}`;
}
