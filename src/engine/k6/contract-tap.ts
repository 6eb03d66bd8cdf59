/**
 * What the k6 script reports of the API's contract beyond its checks and
 * `openapi_conformance` samples (scenarios/k6/lib/contract.ts): the
 * operations exercised, a failed conformance check's reasons, the load
 * responses judged. Read off k6's sample stream, bounded (the stream is
 * hostile input), never stored as metrics.
 */
import { K6_CONTRACT_METRICS } from '../../contract/k6-contract.js';
import { safeLine } from '../../core/sanitize.js';

/** documented operations kept; a contract of more is listed as not covered past it */
const MAX_OPERATIONS = 10_000;
/** checks whose reasons are kept, and reasons per check (as check-recorder.ts keeps) */
const MAX_CHECKS = 1_000;
const MAX_REASONS = 5;

export const CONTRACT_TAP_METRICS: readonly string[] = Object.values(K6_CONTRACT_METRICS);

export class K6ContractTap {
  readonly exercised = new Set<string>();
  /** `phase \0 check` -> first distinct reasons */
  readonly reasons = new Map<string, string[]>();
  /** load responses judged, and those judged on status and headers only */
  checked = 0;
  capped = 0;

  take(metric: string, value: number, tags: Readonly<Record<string, string>>): void {
    if (metric === K6_CONTRACT_METRICS.exercised) {
      const op = tags['operation'];
      if (op !== undefined && this.exercised.size < MAX_OPERATIONS) this.exercised.add(op);
    } else if (metric === K6_CONTRACT_METRICS.checked) {
      this.checked += value;
      if (tags['capped'] === '1') this.capped += value;
    } else if (metric === K6_CONTRACT_METRICS.finding) {
      const { phase, check, reason } = tags;
      if (phase === undefined || check === undefined || reason === undefined) return;
      const key = `${phase}\u0000${check}`;
      let list = this.reasons.get(key);
      if (list === undefined) {
        if (this.reasons.size >= MAX_CHECKS) return;
        list = [];
        this.reasons.set(key, list);
      }
      const why = safeLine(reason);
      if (list.length < MAX_REASONS && !list.includes(why)) list.push(why);
    }
  }
}
