/**
 * Which documented operations golive exercised, as a line for the report and
 * as the `openapi_coverage` rate (one sample per documented operation, 1 when
 * covered), so `openapi_coverage rate>=1` can require every one.
 */
import type { MetricStore } from '../core/metrics.js';

export interface Coverage {
  total: number;
  covered: string[];
  notCovered: string[];
}

/** `contract`: its documented operations (a Contract, or the table k6 judged with) */
export function coverageOf(contract: { readonly operations: readonly { readonly key: string }[] }, exercised: ReadonlySet<string>): Coverage {
  const keys = contract.operations.map((o) => o.key);
  return { total: keys.length, covered: keys.filter((k) => exercised.has(k)), notCovered: keys.filter((k) => !exercised.has(k)) };
}

/** `covered 3 of 5 operations; not checked: POST /api/v1/auth/login, GET /api/v1/signals` */
export function describeCoverage(c: Coverage, maxListed = 20): string {
  const head = `covered ${c.covered.length} of ${c.total} operation${c.total === 1 ? '' : 's'}`;
  if (c.notCovered.length === 0) return head;
  const listed = c.notCovered.slice(0, maxListed).join(', ');
  const more = c.notCovered.length > maxListed ? `, and ${c.notCovered.length - maxListed} more` : '';
  return `${head}; not checked: ${listed}${more}`;
}

export function recordCoverage(c: Coverage, store: MetricStore): void {
  const covered = new Set(c.covered);
  for (const op of [...c.covered, ...c.notCovered]) store.add('openapi_coverage', covered.has(op) ? 1 : 0, { operation: op });
}
