/**
 * `${env.NAME}`, `${target}` and `${capture}` in a step's URL, headers, query
 * and body. Pure and runtime-neutral (bundled into the k6 script): the caller
 * passes the env and the variables in.
 */

const REF = /\$\{([^}]*)\}/g;

export type TemplateRef = { kind: 'env'; name: string } | { kind: 'target' } | { kind: 'var'; name: string };

export interface TemplateScope {
  target: string;
  env: Readonly<Record<string, string | undefined>>;
  vars: Readonly<Record<string, string>>;
}

function parseRef(inner: string): TemplateRef | undefined {
  const s = inner.trim();
  if (s === 'target') return { kind: 'target' };
  const env = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(s);
  if (env) return { kind: 'env', name: env[1] as string };
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? { kind: 'var', name: s } : undefined;
}

/** Every reference in `text`, or the first one that is not a reference golive knows. */
export function templateRefs(text: string): { refs: TemplateRef[]; bad?: string } {
  const refs: TemplateRef[] = [];
  for (const m of text.matchAll(REF)) {
    const ref = parseRef(m[1] as string);
    if (!ref) return { refs, bad: m[0] };
    refs.push(ref);
  }
  return { refs };
}

/** Strings inside a JSON value, with where they are (for config errors). */
export function jsonStrings(value: unknown, at: string, out: Array<[string, string]> = []): Array<[string, string]> {
  if (typeof value === 'string') out.push([at, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => jsonStrings(v, `${at}[${i}]`, out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) jsonStrings(v, `${at}.${k}`, out);
  return out;
}

/** Validation has already proved every reference resolvable; an unset one renders empty. */
export function render(text: string, scope: TemplateScope): string {
  if (!text.includes('${')) return text;
  return text.replace(REF, (whole, inner: string) => {
    const ref = parseRef(inner);
    if (!ref) return whole;
    if (ref.kind === 'target') return scope.target.replace(/\/+$/, '');
    if (ref.kind === 'env') return scope.env[ref.name] ?? '';
    return scope.vars[ref.name] ?? '';
  });
}

export function renderJson(value: unknown, scope: TemplateScope): unknown {
  if (typeof value === 'string') return render(value, scope);
  if (Array.isArray(value)) return value.map((v) => renderJson(v, scope));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderJson(v, scope)]));
  }
  return value;
}
