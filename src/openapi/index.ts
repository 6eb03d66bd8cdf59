/** The API's own contract: load it, judge responses against it, count what was covered. */
import type { OpenApiSource } from '../contract/plan.js';
import { Contract } from './contract.js';
import { loadOpenApi, type LoadDeps } from './load.js';

export { Contract } from './contract.js';
export { checkConformance, describeFindings } from './conformance.js';
export type { Conformance, ContractFinding, ResponseRecord } from './conformance.js';
export { coverageOf, describeCoverage } from './coverage.js';

/** Read, validate, dereference and compile: every problem is one 104 line naming the document. */
export async function loadContract(source: OpenApiSource, deps: LoadDeps): Promise<Contract> {
  return new Contract(await loadOpenApi(source, deps));
}
