/**
 * The documented operations of a contract and which one a concrete request
 * hits: OpenAPI path templating (`/items/{id}` matches one segment per
 * parameter), literal paths before templated ones, under the path of the
 * document's `servers` (FastAPI's `root_path`).
 */
export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What matching needs of an operation: runtime-neutral, rebuilt in k6 from method and template. */
export interface OperationRoute {
  /** `GET /items/{id}`: how reports and coverage name it */
  readonly key: string;
  readonly method: string;
  readonly template: string;
  readonly pattern: RegExp;
  readonly params: number;
}

export interface Operation extends OperationRoute {
  readonly op: Json;
}

export type OperationMatch<Op extends OperationRoute = Operation> =
  | { kind: 'operation'; operation: Op }
  | { kind: 'no-path' }
  | { kind: 'no-method'; allowed: string[] };

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compileTemplate(template: string): { pattern: RegExp; params: number } {
  let params = 0;
  const source = template.split(/(\{[^}/]+\})/).map((part) => {
    if (/^\{[^}/]+\}$/.test(part)) {
      params++;
      return '[^/]+';
    }
    return escapeRe(part);
  }).join('');
  return { pattern: new RegExp(`^${source}$`), params };
}

/** `method` upper case. */
export function operationRoute(method: string, template: string): OperationRoute {
  return { key: `${method} ${template}`, method, template, ...compileTemplate(template) };
}

export function listOperations(doc: Readonly<Json>): Operation[] {
  const paths = isObject(doc.paths) ? doc.paths : {};
  const out: Operation[] = [];
  for (const [template, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const m of METHODS) {
      const op = item[m];
      if (isObject(op)) out.push({ ...operationRoute(m.toUpperCase(), template), op });
    }
  }
  return out;
}

export function matchOperation<Op extends OperationRoute>(ops: readonly Op[], bases: readonly string[], method: string, path: string): OperationMatch<Op> {
  const candidates = [path, ...bases.filter((b) => path.startsWith(`${b}/`)).map((b) => path.slice(b.length))];
  for (const p of candidates) {
    const onPath = ops.filter((o) => o.pattern.test(p));
    if (onPath.length === 0) continue;
    // The most literal template wins: /items/mine before /items/{id}.
    const fewest = Math.min(...onPath.map((o) => o.params));
    const best = onPath.filter((o) => o.params === fewest);
    const hit = best.find((o) => o.method === method.toUpperCase());
    if (hit) return { kind: 'operation', operation: hit };
    const any = onPath.find((o) => o.method === method.toUpperCase());
    if (any) return { kind: 'operation', operation: any };
    return { kind: 'no-method', allowed: [...new Set(onPath.map((o) => o.method))] };
  }
  return { kind: 'no-path' };
}
