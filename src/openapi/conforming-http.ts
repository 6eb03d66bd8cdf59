/**
 * The functional phases' HTTP client, held against the API's contract: every
 * response a phase measures is also judged by checkConformance and recorded
 * as the check "<METHOD> <name> conforms to the API's contract" (and as the
 * openapi_conformance rate). A response whose status the phase did not expect
 * is already that phase's red line: its shape is not judged again (one root
 * cause, one red line), but its operation still counts as exercised.
 */
import type { PhaseName } from '../core/result.js';
import type { PhaseRunner } from '../phases/types.js';
import { HttpClient, type HttpCall, type HttpClientOptions, type HttpOutcome, type MeasuredInto } from '../net/http.js';
import type { Contract } from './contract.js';
import { CONFORMS, checkConformance, describeFindings } from './conformance.js';
import { failedOnContract } from './phase-verdict.js';
import { defaultExpected } from '../../checks/declared/expected.js';

export { coverageOf, describeCoverage, recordCoverage } from './coverage.js';

/** What the run learnt about the contract: the operations exercised. */
export class ContractLog {
  readonly exercised = new Set<string>();
}

export { CONFORMS };

export class ConformingHttpClient extends HttpClient {
  constructor(opts: HttpClientOptions, private readonly contract: Contract, private readonly log: ContractLog, private readonly origin: string) {
    super(opts);
  }

  override async measured(phase: PhaseName, call: HttpCall, into: MeasuredInto): Promise<HttpOutcome> {
    const out = await super.measured(phase, call, into);
    if (out.kind !== 'response') return out;
    const url = new URL(call.path, this.origin);
    // A declared step may call another service by URL: the target's contract does not describe it.
    if (url.origin !== new URL(this.origin).origin) return out;
    const path = url.pathname;
    const c = checkConformance(this.contract, {
      method: call.method, path, status: out.status, headers: out.headers,
      ...(out.bodyError === undefined ? { text: out.text } : {}),
    });
    if (c.operation !== undefined) this.log.exercised.add(c.operation);
    if (!(call.expected ?? defaultExpected)(out.status)) return out;
    const ok = c.findings.length === 0;
    into.store.add('openapi_conformance', ok ? 1 : 0, { phase, name: call.name ?? path, method: call.method, status: String(out.status) });
    // A declared step is named by its template, never by a rendered path that may carry a capture.
    into.checks?.record(phase, `${call.method} ${call.name ?? path} ${CONFORMS}`, ok, describeFindings(c.findings));
    return out;
  }
}

/**
 * A phase whose own checks passed but whose responses broke the contract has
 * failed: its status says so, with how many responses and the first reason.
 */
export function failOnContract(phase: PhaseRunner): PhaseRunner {
  return {
    ...phase,
    async run(ctx) {
      const out = await phase.run(ctx);
      return failedOnContract(phase.name, out, out.checks ?? []);
    },
  };
}
