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
// Namespaces, not defaults: the generated code reads `require(id).default` itself.
import * as equal from 'ajv/dist/runtime/equal.js';
import * as ucs2length from 'ajv/dist/runtime/ucs2length.js';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { asValidator } from './schema-failure.js';
import type { AjvValidateFunction, SchemaValidator } from './schema-failure.js';

const RUNTIME: Readonly<Record<string, unknown>> = {
  'ajv/dist/runtime/equal': equal,
  'ajv/dist/runtime/ucs2length': ucs2length,
  'ajv-formats/dist/formats': { fullFormats },
};

function runtimeRequire(id: string): unknown {
  const mod = RUNTIME[id];
  if (mod === undefined) throw new Error(`generated schema validator needs ${id}, which the k6 bundle does not carry`);
  return mod;
}

/** The validator in `source` (ajv standalone code); throws when the source does not load. */
export function validatorFromSource(source: string): SchemaValidator {
  const module: { exports: unknown } = { exports: {} };
  // The source is golive's own (generated from the user's schema in Node), never a target's bytes.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('require', 'module', 'exports', source)(runtimeRequire, module, module.exports);
  return asValidator(module.exports as AjvValidateFunction);
}
