/**
 * A loaded contract, ready to judge responses: its operations, their
 * response schemas compiled once (a schema that does not compile is a config
 * error before the first request), and the server base paths.
 */
import { GoliveError, firstLine } from '../core/errors.js';
import type { OpenApiDocument } from './document.js';
import { listOperations, type Operation } from './operations.js';
import { SchemaCompiler } from './schema.js';
import { ContractTable, isJsonMediaType, type BodyValidator, type DocumentedResponse } from './table.js';

export { isJsonMediaType, type DocumentedResponse } from './table.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

// Node only (URL): k6 receives the base paths in the contract's table.
/** Path prefixes of the document's servers (`/api` of `https://x/api`), longest first. */
export function serverBasePaths(doc: Readonly<Json>): string[] {
  const servers = Array.isArray(doc.servers) ? doc.servers : [];
  const bases = new Set<string>();
  for (const s of servers) {
    if (!isObject(s) || typeof s.url !== 'string') continue;
    let path: string;
    try {
      path = new URL(s.url.replace(/\{[^}]*\}/g, 'x'), 'http://base.invalid').pathname;
    } catch {
      continue;
    }
    const trimmed = decodeURI(path).replace(/\/+$/, '');
    if (trimmed !== '') bases.add(trimmed);
  }
  return [...bases].sort((a, b) => b.length - a.length);
}

export class Contract extends ContractTable<Operation> {
  readonly document: OpenApiDocument;
  private readonly compiler: SchemaCompiler;

  constructor(document: OpenApiDocument) {
    const operations = listOperations(document.doc);
    const compiler = new SchemaCompiler(document.version, document.raw.components);
    super(operations, serverBasePaths(document.doc), new Map(operations.map((op) => [op, compileResponses(op, compiler, document.location)])));
    this.document = document;
    this.compiler = compiler;
  }

  /** A validator of this contract as ajv's standalone code (k6's ahead-of-time copy of it). */
  sourceOf(fn: BodyValidator): string | undefined {
    return this.compiler.sourceOf(fn);
  }
}

function compileResponses(op: Operation, compiler: SchemaCompiler, location: string): Map<string, DocumentedResponse> {
  const out = new Map<string, DocumentedResponse>();
  const responses = isObject(op.op.responses) ? op.op.responses : {};
  for (const [key, r] of Object.entries(responses)) {
    if (!isObject(r)) continue;
    const content = new Map<string, BodyValidator | undefined>();
    for (const [type, media] of Object.entries(isObject(r.content) ? r.content : {})) {
      const mediaType = type.split(';', 1)[0]!.trim().toLowerCase();
      const schema = isObject(media) ? media.schema : undefined;
      if (!isJsonMediaType(mediaType) || !(isObject(schema) || typeof schema === 'boolean')) {
        content.set(mediaType, undefined);
        continue;
      }
      try {
        content.set(mediaType, compiler.compile(typeof schema === 'boolean' ? (schema ? {} : { not: {} }) : schema));
      } catch (err) {
        throw new GoliveError('GOLIVE_INVALID_CONFIG', `openapi (${location}): the schema of ${op.key} response ${key} (${mediaType}) does not compile: ${firstLine(err)}`);
      }
    }
    const headers = isObject(r.headers) ? r.headers : {};
    const requiredHeaders = Object.entries(headers).filter(([, h]) => isObject(h) && h.required === true).map(([n]) => n.toLowerCase())
      // OpenAPI: a Content-Type header definition is ignored (the media types say it).
      .filter((n) => n !== 'content-type');
    out.set(key, { key, content, requiredHeaders });
  }
  return out;
}
