/**
 * `golive init --from-openapi`: declared checks from a contract, pure. One
 * check per parameterless GET and per operation whose request body has an
 * example, each asserting the first documented 2xx status and its schema.
 * Bearer-secured operations use the golive token; an OAuth2 password flow
 * (FastAPI's OAuth2PasswordBearer) becomes a setup check that logs in once
 * with API_USERNAME/API_PASSWORD and feeds its token to the others.
 */
import type { Contract } from './contract.js';
import type { Operation } from './operations.js';
import { fromOpenApi30 } from './schema.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface InitCheck {
  name: string;
  group: string;
  setup?: boolean;
  steps: Json[];
}

const SESSION = 'session';

function exampleOf(op: Json): unknown {
  const body = isObject(op.requestBody) ? op.requestBody : undefined;
  const media = body && isObject(body.content) ? body.content['application/json'] : undefined;
  if (!isObject(media)) return undefined;
  if (media.example !== undefined) return media.example;
  const first = isObject(media.examples) ? Object.values(media.examples)[0] : undefined;
  if (isObject(first) && first.value !== undefined) return first.value;
  const schema = isObject(media.schema) ? media.schema : {};
  return schema.example ?? (Array.isArray(schema.examples) ? schema.examples[0] : undefined);
}

const needsValues = (op: Operation): boolean => op.params > 0
  || (Array.isArray(op.op.parameters) && op.op.parameters.some((p) => isObject(p) && p.required === true));

function schemes(contract: Contract, op: Operation): string[] {
  const sec = Array.isArray(op.op.security) ? op.op.security : Array.isArray(contract.document.doc.security) ? contract.document.doc.security : [];
  return sec.flatMap((s) => (isObject(s) ? Object.keys(s) : []));
}

function passwordFlow(contract: Contract, name: string): string | undefined {
  const comps = isObject(contract.document.doc.components) ? contract.document.doc.components : {};
  const s = isObject(comps.securitySchemes) ? comps.securitySchemes[name] : undefined;
  const flows = isObject(s) && s.type === 'oauth2' && isObject(s.flows) ? s.flows : undefined;
  return flows && isObject(flows.password) && typeof flows.password.tokenUrl === 'string' ? flows.password.tokenUrl : undefined;
}

function firstSuccess(op: Operation): { status: number; schema?: unknown } | undefined {
  const responses = isObject(op.op.responses) ? op.op.responses : {};
  const code = Object.keys(responses).filter((k) => /^2\d\d$/.test(k)).sort()[0];
  if (code === undefined) return undefined;
  const r = responses[code];
  const media = isObject(r) && isObject(r.content) ? r.content['application/json'] : undefined;
  const schema = isObject(media) ? media.schema : undefined;
  return { status: Number(code), ...(schema !== undefined ? { schema } : {}) };
}

const checkName = (op: Operation) => (op.template.replace(/^\/+/, '').replace(/[^A-Za-z0-9_.-]+/g, '-') || 'root').replace(/-+$/, '') + (op.method === 'GET' ? '' : `-${op.method.toLowerCase()}`);

export function checksFromContract(contract: Contract): InitCheck[] {
  const out: InitCheck[] = [];
  const logins = new Map<string, string>();
  for (const op of contract.operations) {
    const example = exampleOf(op.op);
    if (!((op.method === 'GET' && !needsValues(op)) || (example !== undefined && op.params === 0))) continue;
    const success = firstSuccess(op);
    if (!success) continue;
    const step: Json = { name: String(op.op.operationId ?? op.key), method: op.method, path: op.template };
    if (example !== undefined) step.json = example;
    const names = schemes(contract, op);
    const tokenUrl = names.map((n) => passwordFlow(contract, n)).find((u) => u !== undefined);
    if (tokenUrl !== undefined) {
      logins.set(tokenUrl, tokenUrl);
      step.headers = { authorization: `Bearer \${${SESSION}}` };
    } else if (names.length > 0) step.auth = 'token';
    const expect: Json[] = [{ status: success.status }];
    const schema = contract.document.version === '3.0' ? fromOpenApi30(success.schema) : success.schema;
    // A recursive schema keeps a $ref into the document: the contract check judges it instead.
    if (schema !== undefined && !JSON.stringify(schema).includes('"$ref"')) expect.push({ schema });
    step.expect = expect;
    out.push({ name: checkName(op), group: String((Array.isArray(op.op.tags) ? op.op.tags[0] : undefined) ?? 'api').replace(/[^A-Za-z0-9_.-]+/g, '-'), steps: [step] });
  }
  const setup: InitCheck[] = [...logins.keys()].map((url, i) => ({
    name: i === 0 ? 'login' : `login-${i + 1}`, group: 'auth', setup: true,
    steps: [{
      name: 'OAuth2 password login', method: 'POST', path: url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password&username=${env.API_USERNAME}&password=${env.API_PASSWORD}',
      expect: [{ status: 200 }],
      capture: { [SESSION]: { jsonpath: '$.access_token', secret: true } },
    }],
  }));
  return [...setup, ...out];
}
