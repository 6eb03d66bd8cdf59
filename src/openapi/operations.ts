/**
 * The documented operations of a contract and which one a concrete request
 * hits: OpenAPI path templating (`/items/{id}` matches one segment per
 * parameter), literal paths before templated ones, under the path of the
 * document's `servers` (FastAPI's `root_path`).
 */
export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Operation {
  /** `GET /items/{id}`: how reports and coverage name it */
  readonly key: string;
  readonly method: string;
  readonly template: string;
  readonly op: Json;
  readonly pattern: RegExp;
  readonly params: number;
}

export type OperationMatch =
  | { kind: 'operation'; operation: Operation }
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

export function listOperations(doc: Readonly<Json>): Operation[] {
  const paths = isObject(doc.paths) ? doc.paths : {};
  const out: Operation[] = [];
  for (const [template, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    const { pattern, params } = compileTemplate(template);
    for (const m of METHODS) {
      const op = item[m];
      if (isObject(op)) out.push({ key: `${m.toUpperCase()} ${template}`, method: m.toUpperCase(), template, op, pattern, params });
    }
  }
  return out;
}

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

export function matchOperation(ops: readonly Operation[], bases: readonly string[], method: string, path: string): OperationMatch {
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
