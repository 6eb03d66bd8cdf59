/**
 * JSONPath (RFC 9535) through json-p3: compiled once per expression, so the
 * load's hot path never parses a path again. Runtime-neutral.
 */
import { jsonpath } from 'json-p3';
import type { JSONPathQuery } from 'json-p3';

const compiled = new Map<string, JSONPathQuery>();

/** The syntax error (with its position) of an expression, or undefined when it parses. */
export function jsonpathError(path: string): string | undefined {
  try {
    compile(path);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function compile(path: string): JSONPathQuery {
  let q = compiled.get(path);
  if (!q) {
    q = jsonpath.compile(path);
    compiled.set(path, q);
  }
  return q;
}

/** Every value the expression selects from `doc` (validated at config load, so it compiles). */
export function select(path: string, doc: unknown): unknown[] {
  return compile(path).query(doc as Parameters<JSONPathQuery['query']>[0]).values();
}

/** A singular query selects at most one node (`$.a.b`, `$.a[0]`); a wildcard or descent may select many. */
export function isSingular(path: string): boolean {
  return compile(path).singularQuery();
}
