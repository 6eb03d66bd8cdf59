/**
 * Runbook "Load Testing" (ab -n 1000 -c 10) as a k6 script: closed model via
 * shared-iterations (VUs = concurrency, iterations = requests) or open model
 * via constant-arrival-rate, per GOLIVE_PLAN. Parallel runners pass
 * GOLIVE_SEGMENT / GOLIVE_SEGMENT_SEQUENCE and k6 splits the work.
 * No health gate here: golive.ts is the gated run.
 */
import { readK6Env } from '../../src/contract/k6-plan.js';
import { phaseOptions } from './lib/options.js';
import { loadRequest } from './lib/phases.js';
import { summaryOutputs } from './lib/summary.js';
import type { SummaryData } from './lib/summary.js';

const cfg = readK6Env(__ENV);

export const options = phaseOptions(cfg, 'load');

export default function load(): void {
  loadRequest(cfg);
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs(data, cfg);
}
