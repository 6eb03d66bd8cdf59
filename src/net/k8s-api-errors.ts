/**
 * Kubernetes API failures -> one-line GoliveError('GOLIVE_K8S_ERROR') that says what
 * to do: a 403 names the missing permission, a 409 the object, an unreachable API
 * server its address. Never the request's headers (they carry the credentials).
 */
import { firstLine, GoliveError } from '../core/errors.js';

interface Status {
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string };
}

function statusCode(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = (err as { code: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

function statusBody(err: unknown): Status {
  const body = typeof err === 'object' && err !== null && 'body' in err ? (err as { body: unknown }).body : undefined;
  if (typeof body === 'object' && body !== null) return body as Status;
  if (typeof body !== 'string') return {};
  try {
    const parsed = JSON.parse(body) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Status) : {};
  } catch {
    return {};
  }
}

/** Network-level failure codes, looked for on the error and along its cause chain. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (typeof e !== 'object') break;
    const code = (e as { code?: unknown; errno?: unknown }).code ?? (e as { errno?: unknown }).errno;
    if (typeof code === 'string' && UNREACHABLE.has(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  const msg = err instanceof Error ? err.message : '';
  return [...UNREACHABLE].find((c) => msg.includes(c));
}

/** "User X cannot create resource "jobs" in API group "batch" in the namespace "ns"" -> parts. */
export function missingPermission(message: string): { verb: string; resource: string; group: string; namespace?: string; user?: string } | undefined {
  const m = /User "([^"]*)" cannot (\S+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]+)")?/.exec(message);
  if (!m) return undefined;
  return { user: m[1], verb: m[2] ?? '', resource: m[3] ?? '', group: m[4] ?? '', ...(m[5] ? { namespace: m[5] } : {}) };
}

export class TimeoutError extends Error {
  constructor(readonly what: string, readonly ms: number) {
    super(`${what} timed out after ${ms} ms`);
  }
}

/** `what` says what we were doing, e.g. "create Job golive-x in ns". */
export function k8sError(err: unknown, what: string, server?: string): GoliveError {
  if (err instanceof GoliveError) return err;
  const code = statusCode(err);
  const st = statusBody(err);
  const line = (msg: string) => new GoliveError('GOLIVE_K8S_ERROR', msg.replace(/\s*\n\s*/g, ' '), { cause: err });
  if (err instanceof TimeoutError) {
    return line(`Kubernetes API ${server ? `at ${server} ` : ''}did not answer: ${err.message}`);
  }
  if (code === 403) {
    const p = missingPermission(st.message ?? '');
    if (p) {
      const res = p.group ? `${p.resource}.${p.group}` : p.resource;
      return line(`cannot ${what}: forbidden, ${p.user ?? 'the caller'} lacks permission "${p.verb}" on "${res}"${p.namespace ? ` in namespace ${p.namespace}` : ''} (grant it in the Role golive-orchestrator, see docs/kubernetes.md, "RBAC: two identities")`);
    }
    return line(`cannot ${what}: forbidden (${st.message ?? 'no details'})`);
  }
  if (code === 401) return line(`cannot ${what}: the API server rejected the credentials (401 Unauthorized); check the kubeconfig`);
  if (code === 409) {
    const obj = st.details?.kind ? `${st.details.kind} ${st.details.name ?? ''}`.trim() : 'the object';
    return line(`cannot ${what}: conflict, ${obj} ${st.reason === 'AlreadyExists' ? 'already exists' : `changed concurrently (${st.reason ?? 'Conflict'})`}`);
  }
  if (code === 404) return line(`cannot ${what}: not found (${st.message ?? 'no details'})`);
  if (code !== undefined) return line(`cannot ${what}: API server answered ${code} (${st.message ?? st.reason ?? 'no details'})`);
  const net = networkCode(err);
  if (net) return line(`cannot ${what}: Kubernetes API server ${server ?? ''} unreachable (${net}); check the kubeconfig's server and that the cluster is up`.replace('server  un', 'server un'));
  return line(`cannot ${what}: ${firstLine(err)}`);
}

export function isConflict(err: unknown): boolean {
  return statusCode(err) === 409;
}

export function isNotFound(err: unknown): boolean {
  return statusCode(err) === 404;
}
