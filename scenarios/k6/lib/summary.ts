/**
 * handleSummary(): k6's summary data as JSON to GOLIVE_SUMMARY (the adapter
 * turns it into a RunResult and re-judges the thresholds), plus a short text
 * for a person running the script by hand.
 */
import type { K6Config } from '../../../src/contract/k6-plan.js';

interface SummaryCheck { name: string; passes: number; fails: number }
interface SummaryGroup { name: string; groups: SummaryGroup[]; checks: SummaryCheck[] }
export interface SummaryData {
  root_group: SummaryGroup;
  setup_data?: { checks?: { vars?: Record<string, string> } } | null;
  metrics: Record<string, { thresholds?: Record<string, { ok: boolean }> }>;
  state?: { testRunDurationMs?: number };
}

function allChecks(g: SummaryGroup, path: string[] = []): { group: string; check: SummaryCheck }[] {
  const here = g.checks.map((check) => ({ group: path.join('/'), check }));
  return here.concat(...g.groups.map((sub) => allChecks(sub, [...path, sub.name])));
}

/** Pure: summary data -> a few lines of text. */
export function summaryText(data: SummaryData): string {
  const lines = ['golive k6 summary'];
  const checks = allChecks(data.root_group);
  const failing = checks.filter((c) => c.check.fails > 0);
  lines.push(`checks: ${checks.length - failing.length} passed, ${failing.length} failed`);
  for (const { group, check } of failing) {
    lines.push(`  x [${group || 'root'}] ${check.name} (${check.fails} of ${check.passes + check.fails} failed)`);
  }
  lines.push("thresholds (k6's verdict; golive re-judges, and a threshold without samples fails there):");
  for (const [metric, m] of Object.entries(data.metrics)) {
    for (const [expr, t] of Object.entries(m.thresholds ?? {})) {
      lines.push(`  ${t.ok ? 'ok  ' : 'FAIL'} ${metric} ${expr}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function summaryOutputs(data: SummaryData, cfg: K6Config): Record<string, string> {
  // Under golive, stdout is k6's sample stream: text there would be a malformed sample.
  const out: Record<string, string> = cfg.stream === true ? {} : { stdout: summaryText(data) };
  // The setup checks' captures (a session token) never reach a file.
  if (data.setup_data?.checks) delete data.setup_data.checks.vars;
  if (cfg.summaryPath !== undefined) out[cfg.summaryPath] = JSON.stringify(data, null, 2);
  return out;
}
