/**
 * Loads a validator that ajv generated ahead of time (jsonSchemaSource, run in
 * Node when the k6 plan is written): the k6 bundle validates with it, so k6's
 * JavaScript runtime never compiles a schema (no ajv at run time, no per-VU
 * compile cost) and the first error is ajv's, worded as in the node engine.
 * The generated CommonJS asks for ajv's runtime helpers by module id; those
 * are bundled here and handed over by a `require` of exactly those ids
 * (the ones a synchronous draft-2020-12 / draft-07 validator with formats
 * uses; `$async` schemas are not supported by the `schema` assertion).
 */
// Namespaces: what `.default` of a CommonJS module is depends on the interop (Node's and esbuild's
// node mode give module.exports, which holds `default`); cjsFunction() finds the function either way.
import * as equal from 'ajv/dist/runtime/equal.js';
import * as ucs2length from 'ajv/dist/runtime/ucs2length.js';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { OPENAPI_FORMATS, OPENAPI_FORMATS_MODULE } from './openapi-formats.js';
import { asAllValidator, asValidator } from './schema-failure.js';
import type { AjvValidateFunction, SchemaAllValidator, SchemaValidator } from './schema-failure.js';

type Fn = (...args: never[]) => unknown;

function cjsFunction(ns: unknown): Fn {
  let v = ns;
  for (let i = 0; i < 3 && typeof v !== 'function'; i++) v = (v as { default?: unknown } | undefined)?.default;
  if (typeof v !== 'function') throw new Error('an ajv runtime helper did not load as a function');
  return v as Fn;
}

/** The generated code reads `require(id).default`. */
const RUNTIME: Readonly<Record<string, unknown>> = {
  'ajv/dist/runtime/equal': { default: cjsFunction(equal) },
  'ajv/dist/runtime/ucs2length': { default: cjsFunction(ucs2length) },
  'ajv-formats/dist/formats': { fullFormats },
  [OPENAPI_FORMATS_MODULE]: { ...fullFormats, ...OPENAPI_FORMATS },
};

function runtimeRequire(id: string): unknown {
  const mod = RUNTIME[id];
  if (mod === undefined) throw new Error(`generated schema validator needs ${id}, which the k6 bundle does not carry`);
  return mod;
}

function load(source: string): AjvValidateFunction {
  const module: { exports: unknown } = { exports: {} };
  // The source is golive's own (generated from a user's or a contract's schema in Node), never a target's bytes.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('require', 'module', 'exports', source)(runtimeRequire, module, module.exports);
  return module.exports as AjvValidateFunction;
}

/** The validator in `source` (ajv standalone code); throws when the source does not load. */
export function validatorFromSource(source: string): SchemaValidator {
  return asValidator(load(source));
}

/** The same, every rule broken (code generated with allErrors: the API's contract). */
export function allValidatorFromSource(source: string): SchemaAllValidator {
  return asAllValidator(load(source));
}
