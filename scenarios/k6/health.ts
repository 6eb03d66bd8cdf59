/**
 * Runbook "Health Endpoint Validation" as a k6 script: each health endpoint
 * answers 200 with a healthy body within the time budget. Config from k6's
 * environment: GOLIVE_TARGET, GOLIVE_PLAN (JSON), GOLIVE_SUMMARY.
 */
import { readK6Env } from '../../src/contract/k6-plan.js';
import { phaseOptions } from './lib/options.js';
import { runHealth } from './lib/runbook.js';
import { summaryOutputs } from './lib/summary.js';
import type { SummaryData } from './lib/summary.js';

const cfg = readK6Env(__ENV);

export const options = phaseOptions(cfg, 'health');

export default function health(): void {
  runHealth(cfg, __ENV);
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs(data, cfg);
}
