/**
 * The API's contract on load responses. Every response is held against it
 * while the checking's CPU stays within a budget (a share of the load's
 * elapsed time, measured as it goes, plus a small allowance at the start);
 * past it, a deterministic sample: every stride-th response of each request
 * of the mix, the stride doubling while the budget is exceeded and halving
 * when there is room again. So a short load is checked whole, a long or fast
 * one is sampled evenly over the run and over the mix, and the share checked
 * is reported, never implied.
 */
import type { Findings } from '../phases/findings.js';
import type { LoadJudge, LoadTarget } from '../phases/load-contract.js';
import type { LoadCapture } from '../net/load/capture.js';
import type { LoadSample } from '../net/load/types.js';
import type { Contract } from './contract.js';
import { checkConformance, describeFindings } from './conformance.js';
import { CONFORMS, type ContractLog } from './conforming-http.js';

/**
 * Share of the load's elapsed time the checks may spend on CPU. Measured with
 * `npm run bench -- --quick --only variants` (2 busy cores): one check of a
 * small JSON body costs 34-46 µs of CPU, as much as the raw client's whole
 * work per request (45 µs), so checking every response doubled golive's CPU
 * per request (2.1x); within this budget 10.6 % were checked, at 1.35x.
 */
export const LOAD_BUDGET_SHARE = 0.05;
/** CPU ms the checks may use before the share applies: a runbook-sized load (1000 requests) is checked whole. */
export const LOAD_BUDGET_GRACE_MS = 50;
/** Body bytes kept per sampled response; a longer body is judged on status, headers and content type only. */
export const LOAD_CAPTURE_BYTES = 256 * 1024;
const MAX_STRIDE = 1 << 20;

/** This process's CPU time (user + system), ms: what the budget is measured in. */
export function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export interface SamplerBudget {
  share: number;
  graceMs: number;
}

/** Which responses to keep: every one while the budget holds, then every stride-th per request. */
export class LoadSampler implements LoadCapture {
  stride = 1;
  spentMs = 0;
  private readonly ordinals: number[] = [];

  constructor(readonly maxBytes: number, private readonly budget: SamplerBudget, private readonly startMs: number) {}

  want(request: number): boolean {
    const n = this.ordinals[request] ?? 0;
    this.ordinals[request] = n + 1;
    return n % this.stride === 0;
  }

  /** One check took `cpuMs`; adapts the stride to the budget at `nowMs`. */
  spent(cpuMs: number, nowMs: number): void {
    this.spentMs += cpuMs;
    const allowed = this.budget.graceMs + this.budget.share * Math.max(0, nowMs - this.startMs);
    if (this.spentMs > allowed) this.stride = Math.min(this.stride * 2, MAX_STRIDE);
    else if (this.stride > 1 && this.spentMs < allowed / 2) this.stride /= 2;
  }
}

export interface LoadConformanceOptions {
  contract: Contract;
  log: ContractLog;
  /** process CPU time, ms (process.cpuUsage in production) */
  cpuMs: () => number;
  /** the load's clock, ms */
  nowMs: () => number;
  maxBytes?: number;
  budget?: SamplerBudget;
}

const pct = (n: number, of: number) => (of === 0 ? '0' : ((100 * n) / of).toFixed(n === of ? 0 : 1));

export function loadConformance(o: LoadConformanceOptions, targets: readonly LoadTarget[]): LoadJudge {
  const budget = o.budget ?? { share: LOAD_BUDGET_SHARE, graceMs: LOAD_BUDGET_GRACE_MS };
  const maxBytes = o.maxBytes ?? LOAD_CAPTURE_BYTES;
  const sampler = new LoadSampler(maxBytes, budget, o.nowMs());
  let responses = 0;
  let checked = 0;
  let capped = 0;
  return {
    capture: sampler,
    judge(s: LoadSample, found: Findings): void {
      if (s.status === 0) return;
      responses++;
      const r = s.response;
      const target = targets[s.request ?? 0];
      if (r === undefined || target === undefined) return;
      const t0 = o.cpuMs();
      checked++;
      if (r.capped) capped++;
      const c = checkConformance(o.contract, { method: target.method, path: target.path, status: s.status, headers: r.headers(), text: r.text() });
      if (c.operation !== undefined) o.log.exercised.add(c.operation);
      // An unexpected status is already the load's evidence (http_req_failed): its shape is not judged again.
      if (target.expected(s.status)) {
        const ok = c.findings.length === 0;
        found.store.add('openapi_conformance', ok ? 1 : 0, { phase: 'load', name: target.name, method: target.method, status: String(s.status) });
        found.checks.record('load', `${target.method} ${target.name} ${CONFORMS}`, ok, describeFindings(c.findings));
      }
      sampler.spent(o.cpuMs() - t0, o.nowMs());
    },
    note(): string {
      const over = capped > 0 ? `; ${capped} bod${capped === 1 ? 'y' : 'ies'} over ${Math.round(maxBytes / 1024)} KiB judged on status and headers only` : '';
      const how = checked === responses ? 'every response' : `every response within a CPU budget of ${Math.round(budget.share * 100)} % of the load's time, then an even sample`;
      return `openapi: checked ${checked} of ${responses} load responses (${pct(checked, responses)} %) against the contract (${how})${over}`;
    },
    stats: () => ({ responses, checked, capped, stride: sampler.stride, cpuMs: sampler.spentMs }),
  };
}
