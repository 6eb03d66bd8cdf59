/**
 * "Response conforms to the API's contract": one response held against the
 * documented operation, pure. Names what the contract does not list (the
 * operation, the status, the content type, a required header) and, for a JSON
 * body, every schema rule broken with its JSON pointer. Runtime-neutral: the
 * k6 bundle judges with this very module (scenarios/k6/lib/contract.ts).
 */
import { safeLine } from '../core/sanitize.js';
import type { OperationRoute } from './operations.js';
import { isJsonMediaType, type ContractTable, type DocumentedResponse } from './table.js';

/** The check a judged response is recorded as: `GET /health conforms to the API's contract`. */
export const CONFORMS = "conforms to the API's contract";

export interface ResponseRecord {
  method: string;
  /** the concrete path, without the query string */
  path: string;
  status: number;
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** the body as read; undefined when it was not read (the body is then not judged) */
  text?: string | undefined;
}

export type ContractRule = 'operation' | 'status' | 'content-type' | 'header' | 'json' | 'schema';

export interface ContractFinding {
  rule: ContractRule;
  /** for schema findings: where in the body, and the keyword broken */
  pointer?: string;
  keyword?: string;
  message: string;
}

export interface Conformance {
  /** the documented operation hit (`GET /health`), for coverage; undefined when none */
  operation?: string;
  findings: ContractFinding[];
  /** the body was held against a schema */
  bodyChecked: boolean;
}

/** Schema errors listed per response; more are counted, not listed (a 10 000-bar body is one drift). */
export const MAX_SCHEMA_FINDINGS = 5;

const clean = (s: string) => safeLine(s, 200);

function documentedFor(responses: ReadonlyMap<string, DocumentedResponse>, status: number): DocumentedResponse | undefined {
  return responses.get(String(status)) ?? responses.get(`${Math.floor(status / 100)}XX`) ?? responses.get(`${Math.floor(status / 100)}xx`) ?? responses.get('default');
}

function headerValue(headers: ResponseRecord['headers'], name: string): string | undefined {
  const v = headers[name] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  return Array.isArray(v) ? v[0] : (v as string | undefined);
}

function mediaTypeMatch(content: DocumentedResponse['content'], type: string): string | undefined {
  if (content.has(type)) return type;
  const wild = `${type.split('/')[0]}/*`;
  if (content.has(wild)) return wild;
  return content.has('*/*') ? '*/*' : undefined;
}

export function checkConformance<Op extends OperationRoute>(contract: ContractTable<Op>, r: ResponseRecord): Conformance {
  const call = `${r.method.toUpperCase()} ${clean(r.path)}`;
  const m = contract.match(r.method, r.path);
  if (m.kind === 'no-path') return { findings: [{ rule: 'operation', message: `${call} is not a documented operation (no documented path matches)` }], bodyChecked: false };
  if (m.kind === 'no-method') {
    return { findings: [{ rule: 'operation', message: `${call} is not a documented operation (the path documents ${m.allowed.join(', ')})` }], bodyChecked: false };
  }
  const op = m.operation;
  const base = { operation: op.key };
  const responses = contract.responsesOf(op);
  const doc = documentedFor(responses, r.status);
  if (!doc) {
    return { ...base, findings: [{ rule: 'status', message: `${op.key}: status ${r.status} is not documented (documented: ${[...responses.keys()].join(', ') || 'none'})` }], bodyChecked: false };
  }
  const findings: ContractFinding[] = [];
  for (const h of doc.requiredHeaders) {
    if (headerValue(r.headers, h) === undefined) findings.push({ rule: 'header', message: `${op.key} ${r.status}: required header ${h} is missing` });
  }
  if (doc.content.size === 0) return { ...base, findings, bodyChecked: false };
  const type = (headerValue(r.headers, 'content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase();
  const documented = [...doc.content.keys()].join(', ');
  const key = type === '' ? undefined : mediaTypeMatch(doc.content, type);
  if (key === undefined) {
    findings.push({ rule: 'content-type', message: `${op.key} ${r.status}: content type ${type === '' ? '(none)' : clean(type)} is not documented (documented: ${documented})` });
    return { ...base, findings, bodyChecked: false };
  }
  const validate = doc.content.get(key);
  if (!validate || r.text === undefined || !isJsonMediaType(type)) return { ...base, findings, bodyChecked: false };
  let value: unknown;
  try {
    value = JSON.parse(r.text);
  } catch {
    findings.push({ rule: 'json', message: `${op.key} ${r.status}: body is not JSON although the content type is ${clean(type)}` });
    return { ...base, findings, bodyChecked: true };
  }
  const { errors, total } = validate(value, MAX_SCHEMA_FINDINGS);
  for (const e of errors) {
    findings.push({ rule: 'schema', pointer: clean(e.pointer), keyword: e.keyword, message: `${op.key} ${r.status}: body ${clean(e.pointer)} ${e.message} (${e.keyword})` });
  }
  if (total > MAX_SCHEMA_FINDINGS) {
    findings.push({ rule: 'schema', message: `${op.key} ${r.status}: ${total - MAX_SCHEMA_FINDINGS} more schema error(s)` });
  }
  return { ...base, findings, bodyChecked: true };
}

/** One line for a check's reason: the first finding, and how many more. */
export function describeFindings(findings: readonly ContractFinding[]): string {
  if (findings.length === 0) return 'conforms';
  const more = findings.length - 1;
  return `${findings[0]!.message}${more > 0 ? ` (+${more} more)` : ''}`;
}
