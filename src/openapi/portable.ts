/**
 * The contract table that travels to k6 (src/contract/k6-contract.ts), back
 * into the ContractTable checkConformance judges with. Runtime-neutral: the
 * k6 bundle calls it with its ahead-of-time validators; a Node test calls it
 * with the same sources to hold both engines to one verdict.
 */
import type { K6ContractTable } from '../contract/k6-contract.js';
import { operationRoute, type OperationRoute } from './operations.js';
import { ContractTable, type BodyValidator, type DocumentedResponse } from './table.js';

/** `validator(i)`: the i-th source's validator (loaded lazily by the caller, if it likes). */
export function tableFromPortable(t: K6ContractTable, validator: (index: number) => BodyValidator): ContractTable {
  const responses = new Map<OperationRoute, ReadonlyMap<string, DocumentedResponse>>();
  const operations = t.operations.map((o) => {
    const route = operationRoute(o.method, o.template);
    responses.set(route, new Map(o.responses.map((r) => [r.key, {
      key: r.key,
      requiredHeaders: r.requiredHeaders,
      content: new Map(r.content.map((c) => [c.type, c.validator === undefined ? undefined : lazy(c.validator, validator)])),
    }])));
    return route;
  });
  return new ContractTable(operations, t.bases, responses);
}

/** A validator compiled on its first use: a VU pays only for the schemas its responses need. */
function lazy(index: number, validator: (index: number) => BodyValidator): BodyValidator {
  let fn: BodyValidator | undefined;
  return (value, max) => (fn ??= validator(index))(value, max);
}
