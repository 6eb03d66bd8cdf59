/**
 * The API's contract under k6: every functional response (setup()) and a
 * deterministic share of the load's responses (every K6_LOAD_STRIDE-th of
 * each request of the mix, per VU) judged by THE node engine's conformance
 * code (src/openapi/conformance.ts, bundled here) against the table golive
 * compiled ahead of time (src/contract/k6-contract.ts). Recorded as the node
 * engine records it: the k6 check `<METHOD> <name> conforms to the API's
 * contract` in the response's phase and an `openapi_conformance` sample,
 * only when the status was one the step expected (an unexpected status is
 * already that step's red line). What k6 cannot hand back any other way
 * travels as samples on its stream: the operations exercised, a failed
 * check's first reasons, the load responses judged.
 */
import { check } from 'k6';
import { SharedArray } from 'k6/data';
import { Counter, Rate } from 'k6/metrics';
import { allValidatorFromSource } from '../../../checks/declared/schema-runtime.js';
import { K6_CONTRACT_METRICS, K6_LOAD_CAPTURE_CHARS, K6_LOAD_STRIDE, k6ContractTableSchema } from '../../../src/contract/k6-contract.js';
import type { K6ContractFile } from '../../../src/contract/k6-contract.js';
import type { K6Config } from '../../../src/contract/k6-plan.js';
import type { PhaseName } from '../../../src/core/result.js';
import { CONFORMS, checkConformance, describeFindings } from '../../../src/openapi/conformance.js';
import { contractReason } from '../../../src/openapi/phase-verdict.js';
import { tableFromPortable } from '../../../src/openapi/portable.js';
import { safeLine } from '../../../src/core/sanitize.js';
import { bodyValidator, type ContractTable } from '../../../src/openapi/table.js';

/** Defined in the init context always: a threshold on openapi_conformance needs the metric to exist in k6. */
const conformance = new Rate('openapi_conformance');
const exercised = new Counter(K6_CONTRACT_METRICS.exercised);
const finding = new Counter(K6_CONTRACT_METRICS.finding);
const checked = new Counter(K6_CONTRACT_METRICS.checked);

/** Reasons a VU reports per check, as the node engine keeps per check (check-recorder.ts). */
const MAX_REASONS = 5;

let table: ContractTable | undefined;
const seenOperations = new Set<string>();
const reasonsSent = new Map<string, Set<string>>();
const ordinals: number[] = [];
/** setup()'s conformance checks per phase, in the order first judged: fails and the first reason */
const verdicts = new Map<PhaseName, Map<string, { fails: number; reason?: string }>>();

/** Init context only (open() and SharedArray exist there); every VU runs it, the file is read once. */
export function openContract(cfg: K6Config): void {
  const path = cfg.contractFile;
  if (path === undefined) return;
  const shared = new SharedArray('golive-openapi', () => {
    const file = JSON.parse(open(path)) as K6ContractFile;
    return [file.table, ...file.sources];
  });
  const parsed = k6ContractTableSchema.safeParse(shared[0]);
  if (!parsed.success) throw new Error(`${path}: not golive's contract table: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  table = tableFromPortable(parsed.data, (i) => bodyValidator(allValidatorFromSource(shared[i + 1] as string)));
}

/** One answer as the contract sees it. `url`: as sent; `name`: the path as configured or the step's template. */
export interface Answer {
  method: string;
  url: string;
  name: string;
  status: number;
  headers: Readonly<Record<string, string>>;
  text?: string;
  /** the status is one the step or phase expected */
  expected: boolean;
}

/** The path on the target, without the query; undefined for another origin (its contract is not this one). */
function pathOn(target: string, url: string): string | undefined {
  if (!url.startsWith(target)) return undefined;
  const rest = url.slice(target.length);
  if (rest !== '' && !/^[/?#]/.test(rest)) return undefined;
  const path = rest.split(/[?#]/, 1)[0] ?? '';
  return path === '' ? '/' : path;
}

/** One answer held against the contract (a functional phase's: every one; the load's: those sampled). */
export function judgeAnswer(cfg: K6Config, phase: PhaseName, a: Answer): void {
  if (table === undefined) return;
  const path = pathOn(cfg.target, a.url);
  if (path === undefined) return;
  const c = checkConformance(table, { method: a.method, path, status: a.status, headers: a.headers, ...(a.text !== undefined ? { text: a.text } : {}) });
  if (c.operation !== undefined && !seenOperations.has(c.operation)) {
    seenOperations.add(c.operation);
    exercised.add(1, { operation: c.operation });
  }
  if (!a.expected) return;
  const ok = c.findings.length === 0;
  const name = `${a.method} ${a.name} ${CONFORMS}`;
  conformance.add(ok, { phase, scenario: phase, name: a.name, method: a.method, status: String(a.status) });
  check(null, { [name]: () => ok }, { phase, scenario: phase });
  const byName = verdicts.get(phase) ?? new Map<string, { fails: number; reason?: string }>();
  verdicts.set(phase, byName);
  const v = byName.get(name) ?? { fails: 0 };
  byName.set(name, v);
  if (ok) return;
  const reason = safeLine(describeFindings(c.findings));
  v.fails++;
  v.reason ??= reason;
  const sent = reasonsSent.get(name) ?? new Set<string>();
  reasonsSent.set(name, sent);
  if (sent.size >= MAX_REASONS || sent.has(reason)) return;
  sent.add(reason);
  finding.add(1, { phase, check: name, reason });
}

/**
 * A functional phase's report with the contract's verdict, as the node
 * engine's failOnContract: a phase whose own checks passed fails when its
 * responses broke the contract (in setup(), so the load's gate sees it).
 */
export function onContract<R extends { ok: boolean; reason?: string }>(phase: PhaseName, report: R): R {
  const byName = verdicts.get(phase);
  if (!report.ok || byName === undefined) return report;
  let n = 0;
  let first: string | undefined;
  for (const v of byName.values()) {
    n += v.fails;
    if (first === undefined && v.fails > 0) first = v.reason;
  }
  return n === 0 ? report : { ...report, ok: false, reason: contractReason(n, first) };
}

/** Whether the load's next answer to request `request` (of the mix) is judged: every K6_LOAD_STRIDE-th, the first included. */
export function sampleLoad(request: number): boolean {
  if (table === undefined) return false;
  const n = ordinals[request] ?? 0;
  ordinals[request] = n + 1;
  return n % K6_LOAD_STRIDE === 0;
}

/** A sampled load answer (status 0, no answer, is not one). A longer body is judged on status and headers only, as in the node engine. */
export function judgeLoad(cfg: K6Config, a: Answer): void {
  if (a.status === 0) return;
  const capped = a.text !== undefined && a.text.length > K6_LOAD_CAPTURE_CHARS;
  checked.add(1, { phase: 'load', scenario: 'load', ...(capped ? { capped: '1' } : {}) });
  const { text: _text, ...head } = a;
  judgeAnswer(cfg, 'load', capped ? head : a);
}

/** k6's response headers (canonical case) as the contract reads them: lower case. */
export function lowerHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}
