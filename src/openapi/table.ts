/**
 * A contract as the judge needs it: the documented operations (method and
 * path template), the server base paths and, per operation, its documented
 * responses with a validator per JSON media type. Runtime-neutral (no node:*,
 * no ajv, no URL): the node engine builds it from the parsed document
 * (contract.ts), the k6 bundle from the table golive hands it (portable.ts),
 * and both judge responses with the one checkConformance.
 */
import { matchOperation, type OperationMatch, type OperationRoute } from './operations.js';
import type { SchemaAllValidator } from '../../checks/declared/schema-failure.js';

export interface SchemaError {
  /** JSON pointer into the body, e.g. /bars/0/high (`/` for the body itself) */
  pointer: string;
  /** the JSON Schema keyword broken, e.g. type, required */
  keyword: string;
  message: string;
}

/** The first `max` rules a body broke, and how many in all. */
export type BodyValidator = (value: unknown, max: number) => { errors: SchemaError[]; total: number };

/** The JSON Schema module's every-rule validator, in the contract's words. */
export function bodyValidator(all: SchemaAllValidator): BodyValidator {
  return (value, max) => {
    const r = all(value, max);
    return { errors: r.failures.map((f) => ({ pointer: f.pointer || '/', keyword: f.rule, message: f.message })), total: r.total };
  };
}

export interface DocumentedResponse {
  /** the key it is documented under: `200`, `2XX` or `default` */
  readonly key: string;
  /** media type -> validator of its schema (undefined: no schema, or not JSON) */
  readonly content: ReadonlyMap<string, BodyValidator | undefined>;
  /** header names (lower case) the response must carry */
  readonly requiredHeaders: readonly string[];
}

export const isJsonMediaType = (t: string) => t === 'application/json' || /^[a-z0-9.+-]+\/[a-z0-9.+-]*\+json$/.test(t);

const MAX_MATCHED = 1024;

export class ContractTable<Op extends OperationRoute = OperationRoute> {
  /** A load sends the same few requests again and again: each is matched once (bounded, a hostile path list cannot grow it). */
  private readonly matched = new Map<string, OperationMatch<Op>>();

  constructor(
    readonly operations: readonly Op[],
    private readonly bases: readonly string[],
    private readonly responses: ReadonlyMap<Op, ReadonlyMap<string, DocumentedResponse>>,
  ) {}

  match(method: string, path: string): OperationMatch<Op> {
    const key = `${method} ${path}`;
    const hit = this.matched.get(key);
    if (hit !== undefined) return hit;
    const m = matchOperation(this.operations, this.bases, method, path);
    if (this.matched.size < MAX_MATCHED) this.matched.set(key, m);
    return m;
  }

  /** The documented responses of an operation, by the key they are listed under. */
  responsesOf(op: Op): ReadonlyMap<string, DocumentedResponse> {
    return this.responses.get(op) ?? new Map();
  }

  /** The server base paths, longest first. */
  basePaths(): readonly string[] {
    return this.bases;
  }
}
