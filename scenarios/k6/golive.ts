/**
 * The whole go-live check in one k6 script. k6 VUs share no state, so the
 * health gate cannot be a scenario that a later scenario waits on (startTime
 * only delays, it cannot read a result). setup() is the one place whose result
 * reaches every VU: it runs health, then market-data, like the node engine,
 * and the load scenario skips itself when health failed (test.abort, so a
 * skipped open-model load does not sit out its duration; k6 still writes the
 * summary, and exits 108, which the adapter reads as "load skipped").
 */
import exec from 'k6/execution';
import { LOAD_SKIPPED_MESSAGE, MIX_SKIPPED_MESSAGE, readK6Env } from '../../src/contract/k6-plan.js';
import { goliveOptions } from './lib/options.js';
import { loadRequest } from './lib/phases.js';
import { runHealth, runMarketData } from './lib/runbook.js';
import { runDeclared } from './lib/declared.js';
import { onContract, openContract } from './lib/contract.js';
import type { K6SetupData } from '../../src/engine/k6/summary-schema.js';
import { summaryOutputs } from './lib/summary.js';
import type { SummaryData } from './lib/summary.js';

const cfg = readK6Env(__ENV);

export const options = goliveOptions(cfg);

openContract(cfg);

/** What setup() hands to every VU and to handleSummary (as `setup_data`); the adapter parses it back. */
export type GoliveSetupData = K6SetupData;

export const LOAD_SKIPPED = LOAD_SKIPPED_MESSAGE;
export const MIX_SKIPPED = MIX_SKIPPED_MESSAGE;

export function setup(): GoliveSetupData {
  const data: GoliveSetupData = {};
  if (cfg.plan.phases.includes('health')) data.health = onContract('health', runHealth(cfg, __ENV));
  if (cfg.plan.phases.includes('market-data')) data.marketData = onContract('market-data', runMarketData(cfg, __ENV));
  if (cfg.plan.phases.includes('checks')) data.checks = onContract('checks', runDeclared(cfg, __ENV));
  return data;
}

export function load(data: GoliveSetupData | undefined): void {
  // `data` is undefined under `k6 run --no-setup`: then there is no gate to honour.
  if (data?.health !== undefined && !data.health.ok) {
    exec.test.abort(LOAD_SKIPPED);
    return;
  }
  // As the node engine: a mix runs only on declared checks that passed (its setup captures feed it).
  if (cfg.plan.load.mix !== undefined && data?.checks !== undefined && !data.checks.ok) {
    exec.test.abort(MIX_SKIPPED);
    return;
  }
  loadRequest(cfg, { env: __ENV, vars: data?.checks?.vars ?? {} });
}

export function idle(): void {
  // the functional phases ran in setup(); k6 needs at least one scenario
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs(data, cfg);
}
