/**
 * What `check` and `demo` do around the run besides the core reports: the
 * baseline comparison and the Markdown summary. Everything read or parsed
 * here happens before the first request, so a bad file or spec is a 104.
 */
import { resolve } from 'node:path';
import { compareRuns, regressionThresholds } from '../compare/compare.js';
import { parseRegressionLimits, type RegressionLimit } from '../compare/limits.js';
import { GoliveError } from '../core/errors.js';
import type { RunResult } from '../core/result.js';
import type { CheckFlags } from '../config/flags.js';
import { readSummary } from '../reporters/read-summary.js';
import { resolveNotify, type NotifyConfig } from '../notify/config.js';

export interface BaselineGate {
  result: RunResult;
  limits: RegressionLimit[];
  source: string;
}

export interface RunExtras {
  baseline?: BaselineGate;
  summaryMd?: string;
  notify?: NotifyConfig;
}

export async function resolveExtras(flags: CheckFlags, cwd: string, env: Readonly<Record<string, string | undefined>>): Promise<RunExtras> {
  const limits = flags.maxRegression !== undefined ? parseRegressionLimits(flags.maxRegression) : [];
  if (limits.length && flags.baseline === undefined) throw new GoliveError('GOLIVE_USAGE', '--max-regression: needs --baseline FILE (a previous run\'s summary.json)');
  const out: RunExtras = {};
  if (flags.baseline !== undefined) {
    out.baseline = { result: await readSummary(resolve(cwd, flags.baseline), '--baseline'), limits, source: flags.baseline };
  }
  if (flags.summaryMd !== undefined) {
    if (flags.summaryMd.trim() === '') throw new GoliveError('GOLIVE_USAGE', '--summary-md: expected a file path');
    out.summaryMd = flags.summaryMd;
  }
  const notify = resolveNotify(flags.notify, flags.notifyOn, env);
  if (notify) out.notify = notify;
  return out;
}

/**
 * Pure: the run judged against the baseline. The comparison goes in the result, and
 * judged limits join the thresholds, so a crossed one fails the run (99) like any threshold.
 */
export function withBaseline(result: RunResult, gate: BaselineGate | undefined): RunResult {
  if (!gate || result.golive.verdict === 'error') return result;
  const baseline = compareRuns(gate.result, result, { limits: gate.limits, source: gate.source });
  const thresholds = [...result.golive.thresholds, ...regressionThresholds(baseline)];
  return { ...result, golive: { ...result.golive, baseline, thresholds } };
}
