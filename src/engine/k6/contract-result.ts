/**
 * The API's contract in a k6 run's result, built as the node engine builds
 * it: the conformance checks per phase (counted from k6's `checks` samples,
 * reasons from the tap), a phase that broke the contract failed, coverage
 * recorded as `openapi_coverage` before the thresholds are judged, and the
 * notes (coverage, the share of load responses checked). Pure.
 */
import { K6_LOAD_CAPTURE_CHARS, K6_LOAD_STRIDE } from '../../contract/k6-contract.js';
import type { MetricStore } from '../../core/metrics.js';
import type { CheckResult, PhaseResult } from '../../core/result.js';
import { CONFORMS } from '../../openapi/conformance.js';
import { coverageOf, describeCoverage, recordCoverage } from '../../openapi/coverage.js';
import { failedOnContract } from '../../openapi/phase-verdict.js';
import type { K6ContractTap } from './contract-tap.js';

export interface K6ContractRun {
  /** the documented operations */
  contract: { readonly operations: readonly { readonly key: string }[] };
  tap: K6ContractTap;
  store: MetricStore;
}

/** Before the thresholds: `openapi_coverage` from the operations k6 exercised; the coverage note. */
export function recordK6Coverage(run: K6ContractRun): string {
  const coverage = coverageOf(run.contract, run.tap.exercised);
  recordCoverage(coverage, run.store);
  return `openapi: ${describeCoverage(coverage)}`;
}

/** The conformance checks k6 ran, by phase and name, in the order k6 first sent them. */
function conformanceChecks(run: K6ContractRun): CheckResult[] {
  const out = new Map<string, CheckResult>();
  for (const s of run.store.series()) {
    const { phase, check } = s.tags;
    if (s.name !== 'checks' || phase === undefined || check === undefined || !check.endsWith(CONFORMS) || s.state.kind !== 'rate') continue;
    const key = `${phase}\u0000${check}`;
    const r = out.get(key) ?? { phase: phase as CheckResult['phase'], name: check, passes: 0, fails: 0, reasons: [] };
    r.passes += s.state.passes;
    r.fails += s.state.fails;
    out.set(key, r);
  }
  for (const [key, r] of out) if (r.fails > 0) r.reasons = run.tap.reasons.get(key) ?? ['failed (k6 recorded no reason)'];
  return [...out.values()];
}

/** k6's own check list with the conformance checks in place: after the other checks of their phase. */
export function withConformance(checks: readonly CheckResult[], run: K6ContractRun): CheckResult[] {
  // health and market-data's come through k6's summary too, without reasons: the stream's replace them.
  const out = checks.filter((c) => !c.name.endsWith(CONFORMS));
  for (const c of conformanceChecks(run)) {
    let at = -1;
    out.forEach((x, i) => { if (x.phase === c.phase) at = i; });
    if (at < 0) out.push(c);
    else out.splice(at + 1, 0, c);
  }
  return out;
}

/** As the node engine's failOnContract: a phase whose own checks passed fails on a broken contract. */
export function phasesOnContract(phases: readonly PhaseResult[], checks: readonly CheckResult[]): PhaseResult[] {
  return phases.map((p) => failedOnContract(p.name, p, checks));
}

const pct = (n: number, of: number) => (of === 0 ? '0' : ((100 * n) / of).toFixed(n === of ? 0 : 1));

/** The share of load responses judged (k6 has no CPU-time API: a fixed stride per VU, not the node engine's budget). */
export function k6LoadNote(run: K6ContractRun): string {
  const all = run.store.select('http_reqs', { phase: 'load' })?.value('count') ?? 0;
  const responses = all - (run.store.select('http_reqs', { phase: 'load', status: '0' })?.value('count') ?? 0);
  const { checked, capped } = run.tap;
  const over = capped > 0 ? `; ${capped} bod${capped === 1 ? 'y' : 'ies'} over ${Math.round(K6_LOAD_CAPTURE_CHARS / 1024)} KiB judged on status and headers only` : '';
  return `openapi: checked ${checked} of ${responses} load responses (${pct(checked, responses)} %) against the contract (under k6 every ${K6_LOAD_STRIDE}th response of each request, per VU)${over}`;
}
