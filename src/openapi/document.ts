/**
 * An OpenAPI 3.0/3.1 document from its text: parsed (JSON or YAML), validated
 * against the specification and dereferenced by @readme/openapi-parser. Every
 * problem is one GOLIVE_INVALID_CONFIG line naming the document's location.
 * Only references inside the document are followed: a contract fetched from a
 * target never makes golive fetch further URLs or read local files.
 */
import { dereference, validate } from '@readme/openapi-parser';
import { parse as parseYaml } from 'yaml';
import { GoliveError, firstLine } from '../core/errors.js';
import { safeLine } from '../core/sanitize.js';

export type OpenApiVersion = '3.0' | '3.1';

/** The dereferenced document: plain data, `$ref`s replaced (cycles left as `$ref`). */
export interface OpenApiDocument {
  readonly version: OpenApiVersion;
  readonly doc: Readonly<Record<string, unknown>>;
  /** the document before dereferencing, for the `$ref`s a cycle leaves */
  readonly raw: Readonly<Record<string, unknown>>;
  /** where it came from, for messages */
  readonly location: string;
}

const invalid = (location: string, why: string) =>
  new GoliveError('GOLIVE_INVALID_CONFIG', `openapi (${location}): ${safeLine(why, 300)}`);

function parseText(text: string, location: string): unknown {
  const trimmed = text.trimStart();
  try {
    return trimmed.startsWith('{') || trimmed.startsWith('[') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw invalid(location, `does not parse as JSON or YAML: ${firstLine(err)}`);
  }
}

export async function parseOpenApi(text: string, location: string): Promise<OpenApiDocument> {
  const parsed = parseText(text, location);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid(location, 'expected an OpenAPI document (a JSON object)');
  const declared = (parsed as Record<string, unknown>).openapi;
  const version = typeof declared === 'string' ? /^3\.([01])\.\d+/.exec(declared) : null;
  if (!version) {
    const what = typeof declared === 'string' ? `openapi: ${declared}` : (parsed as Record<string, unknown>).swagger !== undefined ? 'Swagger 2.0' : 'no `openapi` version field';
    throw invalid(location, `expected OpenAPI 3.0 or 3.1, found ${what}`);
  }
  const options = { resolve: { external: false }, dereference: { circular: 'ignore' as const } };
  let verdict;
  try {
    verdict = await validate(structuredClone(parsed) as never, options);
  } catch (err) {
    throw invalid(location, firstLine(err));
  }
  if (!verdict.valid) {
    const first = verdict.errors[0]?.message ?? 'invalid';
    const more = verdict.errors.length - 1 + verdict.additionalErrors;
    throw invalid(location, `not a valid OpenAPI document: ${firstLine(first)}${more > 0 ? ` (and ${more} more)` : ''}`);
  }
  let doc: unknown;
  try {
    doc = await dereference(structuredClone(parsed) as never, options);
  } catch (err) {
    throw invalid(location, `cannot resolve a $ref: ${firstLine(err)}`);
  }
  return { version: version[1] === '0' ? '3.0' : '3.1', doc: doc as Record<string, unknown>, raw: parsed as Record<string, unknown>, location };
}
