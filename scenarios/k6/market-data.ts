/**
 * Runbook "Functionality Testing" as a k6 script: an authenticated market-data
 * query returns valid, sane bars and the same call without credentials is
 * refused. The token comes from GOLIVE_TOKEN (environment only).
 */
import { readK6Env } from '../../src/contract/k6-plan.js';
import { phaseOptions } from './lib/options.js';
import { runMarketData } from './lib/runbook.js';
import { summaryOutputs } from './lib/summary.js';
import type { SummaryData } from './lib/summary.js';

const cfg = readK6Env(__ENV);

export const options = phaseOptions(cfg, 'market-data');

export default function marketData(): void {
  runMarketData(cfg, __ENV);
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs(data, cfg);
}
