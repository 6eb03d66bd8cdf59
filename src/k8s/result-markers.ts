/**
 * How a runner pod hands its RunResult to the orchestrator through its log:
 * `golive check --emit-result` prints the JSON (with `golive.series`, the encoded
 * HDR histograms) on one line between these markers, after everything else.
 */
import { redactingReplacer } from '../core/redact.js';
import type { RunResult } from '../core/result.js';

export const RESULT_BEGIN = '---GOLIVE-RESULT-BEGIN---';
export const RESULT_END = '---GOLIVE-RESULT-END---';

export function formatEmittedResult(result: RunResult): string {
  // The pod log is read by anyone with pods/log: every URL in it is redacted.
  return `${RESULT_BEGIN}\n${JSON.stringify(result, redactingReplacer)}\n${RESULT_END}\n`;
}

export type Extracted =
  | { kind: 'ok'; result: RunResult }
  | { kind: 'missing' }
  | { kind: 'invalid'; reason: string };

function looksLikeRunResult(v: unknown): v is RunResult {
  if (typeof v !== 'object' || v === null) return false;
  const g = (v as { golive?: unknown }).golive;
  return typeof g === 'object' && g !== null && Array.isArray((g as { series?: unknown }).series)
    && typeof (v as { metrics?: unknown }).metrics === 'object';
}

/** The last complete marked block wins: a restarted container may have printed an earlier one. */
export function extractEmittedResult(logs: string): Extracted {
  const end = logs.lastIndexOf(RESULT_END);
  const begin = end < 0 ? -1 : logs.lastIndexOf(RESULT_BEGIN, end);
  if (begin < 0) return { kind: 'missing' };
  const body = logs.slice(begin + RESULT_BEGIN.length, end).trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { kind: 'invalid', reason: 'result block is not valid JSON' };
  }
  return looksLikeRunResult(parsed) ? { kind: 'ok', result: parsed } : { kind: 'invalid', reason: 'result block has no golive.series' };
}
