/**
 * A loaded contract, ready to judge responses: its operations, their
 * response schemas compiled once (a schema that does not compile is a config
 * error before the first request), and the server base paths.
 */
import { GoliveError, firstLine } from '../core/errors.js';
import type { OpenApiDocument } from './document.js';
import { listOperations, matchOperation, serverBasePaths, type Operation, type OperationMatch } from './operations.js';
import { SchemaCompiler, type BodyValidator } from './schema.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface DocumentedResponse {
  /** the key it is documented under: `200`, `2XX` or `default` */
  readonly key: string;
  /** media type -> validator of its schema (undefined: no schema, or not JSON) */
  readonly content: ReadonlyMap<string, BodyValidator | undefined>;
  /** header names (lower case) the response must carry */
  readonly requiredHeaders: readonly string[];
}

const MAX_MATCHED = 1024;

export const isJsonMediaType = (t: string) => t === 'application/json' || /^[a-z0-9.+-]+\/[a-z0-9.+-]*\+json$/.test(t);

export class Contract {
  readonly operations: readonly Operation[];
  private readonly bases: string[];
  private readonly responses = new Map<Operation, ReadonlyMap<string, DocumentedResponse>>();

  constructor(readonly document: OpenApiDocument) {
    this.operations = listOperations(document.doc);
    this.bases = serverBasePaths(document.doc);
    const compiler = new SchemaCompiler(document.version, document.raw.components);
    for (const op of this.operations) this.responses.set(op, compileResponses(op, compiler, document.location));
  }

  /** A load sends the same few requests again and again: each is matched once (bounded, a hostile path list cannot grow it). */
  private readonly matched = new Map<string, OperationMatch>();

  match(method: string, path: string): OperationMatch {
    const key = `${method} ${path}`;
    const hit = this.matched.get(key);
    if (hit !== undefined) return hit;
    const m = matchOperation(this.operations, this.bases, method, path);
    if (this.matched.size < MAX_MATCHED) this.matched.set(key, m);
    return m;
  }

  /** The documented responses of an operation, by the key they are listed under. */
  responsesOf(op: Operation): ReadonlyMap<string, DocumentedResponse> {
    return this.responses.get(op) ?? new Map();
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
