/**
 * The functional phases' HTTP client, held against the API's contract: every
 * response a phase measures is also judged by checkConformance and recorded
 * as the check "<METHOD> <name> conforms to the API's contract" (and as the
 * openapi_conformance rate). A response whose status the phase did not expect
 * is already that phase's red line: its shape is not judged again (one root
 * cause, one red line), but its operation still counts as exercised.
 */
import type { PhaseName } from '../core/result.js';
import { HttpClient, type HttpCall, type HttpClientOptions, type HttpOutcome, type MeasuredInto } from '../net/http.js';
import type { Contract } from './contract.js';
import { checkConformance, describeFindings } from './conformance.js';

export { coverageOf, describeCoverage, recordCoverage } from './coverage.js';

/** What the run learnt about the contract: the operations exercised. */
export class ContractLog {
  readonly exercised = new Set<string>();
}

export const CONFORMS = "conforms to the API's contract";

const defaultExpected = (s: number) => s >= 200 && s < 400;

export class ConformingHttpClient extends HttpClient {
  constructor(opts: HttpClientOptions, private readonly contract: Contract, private readonly log: ContractLog, private readonly origin: string) {
    super(opts);
  }

  override async measured(phase: PhaseName, call: HttpCall, into: MeasuredInto): Promise<HttpOutcome> {
    const out = await super.measured(phase, call, into);
    if (out.kind !== 'response') return out;
    const path = new URL(call.path, this.origin).pathname;
    const c = checkConformance(this.contract, {
      method: call.method, path, status: out.status, headers: out.headers,
      ...(out.bodyError === undefined ? { text: out.text } : {}),
    });
    if (c.operation !== undefined) this.log.exercised.add(c.operation);
    if (!(call.expected ?? defaultExpected)(out.status)) return out;
    const ok = c.findings.length === 0;
    into.store.add('openapi_conformance', ok ? 1 : 0, { phase, name: path, method: call.method, status: String(out.status) });
    into.checks?.record(phase, `${call.method} ${path} ${CONFORMS}`, ok, describeFindings(c.findings));
    return out;
  }
}
