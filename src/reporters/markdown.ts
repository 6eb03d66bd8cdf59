/**
 * The Markdown summary for CI (GitHub's job summary, `--summary-md FILE`):
 * verdict, what failed with the measured values, p95 per phase, regressions
 * against a baseline. Link-free, and every string from the run is escaped:
 * GitHub renders HTML inside Markdown, so a hostile check reason must stay text.
 */
import type { RunResult } from '../core/result.js';
import { GOLIVE_SIDE, failedRequests } from './failed-requests.js';
import { latencyRows, p95Limits } from './latency.js';
import { whenItWentWrong } from './report-data.js';
import { checkRows, notJudged, phaseRows, rollbackLine, thresholdLine, verdictScope, NOT_RUN_LABEL } from './check-view.js';
import { loadRows, stageCells, STAGE_HEAD } from './stage-rows.js';
import { VERDICT_LABEL, displayTarget, fmtMs, removeControlChars } from './text.js';

const MAX_ROWS = 50;
/** How the contract's notes begin (src/engine/node-engine.ts, src/openapi/load-sampling.ts). */
export const OPENAPI_NOTE = 'openapi: ';

/** Safe inside a table cell: no HTML, no pipes, no line breaks, no auto-links. */
export function mdText(s: string): string {
  return removeControlChars(s)
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c)
    .replace(/([\\`*_[\]|#!~])/g, '\\$1')
    .replace(/:\/\//g, ':&#47;&#47;')
    .slice(0, 500);
}

function table(head: readonly string[], rows: readonly string[][]): string[] {
  const cut = rows.slice(0, MAX_ROWS);
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...cut.map((r) => `| ${r.join(' | ')} |`),
    ...(rows.length > MAX_ROWS ? [`\n… and ${rows.length - MAX_ROWS} more (see report.html)`] : []),
  ];
}

export function renderMarkdown(result: RunResult): string {
  const g = result.golive;
  const scope = verdictScope(result);
  const rowsOfChecks = checkRows(result);
  const icon = g.verdict === 'passed' ? (g.exitCode === 0 ? '✅' : '⚠️') : '❌';
  const out: string[] = [
    `### ${icon} golive ${VERDICT_LABEL[g.verdict]} (exit ${g.exitCode})${scope ? ` — ${mdText(scope)}` : ''}`,
    '',
    `target ${mdText(displayTarget(result))} · engine ${g.engine}${g.environment ? ` · environment ${mdText(g.environment)}` : ''} · run ${mdText(g.runId)}`,
    '',
  ];
  if (g.error) out.push(`**${mdText(g.error)}**`, '');
  if (g.rollback.triggered) out.push(`**Rollback trigger:** ${mdText(g.rollback.reasons.length ? rollbackLine(result) : 'triggered')}`, '');
  const limits = p95Limits(result);
  const story = whenItWentWrong(result, (phase) => limits.get(phase as never) ?? limits.get('*'));
  if (story.length) out.push('#### When', '', ...story.map((l) => `- ${mdText(l)}`), '');
  const failedPhases = phaseRows(result, rowsOfChecks).filter((p) => p.status !== 'passed');
  if (failedPhases.length) {
    out.push('#### Phases not passed', '', ...table(['phase', 'status', 'reason'], failedPhases.map((p) => [
      p.name, p.status === 'skipped' ? NOT_RUN_LABEL : p.status, mdText(p.reason),
    ])), '');
  }
  const failedThresholds = g.thresholds.filter((t) => !t.ok);
  if (failedThresholds.length) {
    out.push('#### Failed thresholds', '', ...table(['metric', 'threshold', 'measured'], failedThresholds.map((t) => [
      mdText(t.metric), mdText(t.expression), mdText(thresholdLine(result, t, rowsOfChecks)),
    ])), '');
  }
  const unjudged = notJudged(result);
  if (unjudged.length) out.push(`Not judged: ${unjudged.map((n) => `${mdText(n.selector)} (${n.why})`).join(', ')}`, '');
  const failedChecks = rowsOfChecks.filter((c) => c.state !== 'passed');
  if (failedChecks.length) {
    out.push('#### Failed checks', '', ...table(['phase', 'check', 'result', 'reason'], failedChecks.map((c) => [
      c.phase, mdText(c.name), c.state === 'not-run' ? NOT_RUN_LABEL : `${c.fails} of ${c.passes + c.fails} failed`, mdText(c.line),
    ])), '');
  }
  // Asked against done: a pass on load that was never sent must not read as fine.
  if (g.load) {
    const cells = loadRows(g.load);
    out.push('#### Load: asked and done', '', ...table(cells.map((r) => r.label), [cells.map((r) => (r.bad ? `**${mdText(r.text)}**` : mdText(r.text)))]), '');
  }
  if (g.stages?.length) out.push('#### Stages', '', ...table(STAGE_HEAD, g.stages.map((st) => stageCells(st).map(mdText))), '');
  const rows = latencyRows(result);
  if (rows.length) {
    out.push('#### Latency per phase', '', ...table(['phase', 'p50', 'p95', 'p99', 'max', 'p95 limit'], rows.map((r) => [
      r.phase, fmtMs(r.p50), fmtMs(r.p95), fmtMs(r.p99), fmtMs(r.max), r.p95ThresholdMs === undefined ? '' : `${r.p95ThresholdMs}ms`,
    ])), '');
  }
  const regressed = g.baseline?.rows.filter((r) => r.regressed) ?? [];
  if (g.baseline) {
    out.push(`#### Against baseline ${mdText(g.baseline.baseline.runId)}`, '');
    if (regressed.length) {
      out.push(...table(['phase', 'endpoint', 'metric', 'change', 'limit'], regressed.map((r) => [r.phase, mdText(r.endpoint), r.metric, r.change ?? '', r.limit ?? ''])), '');
    } else out.push(`no regression beyond ${mdText(g.baseline.limits.join(', ') || 'the limits')}`, '');
  }
  // A functional phase's failed requests are its failed checks, said there once.
  const withChecks = new Set(g.checks.map((c) => c.phase as string));
  const failed = failedRequests(result).filter((f) => !withChecks.has(f.phase));
  if (failed.length) {
    out.push('#### Failed requests by cause', '', ...table(['phase', 'cause', 'count', ''], failed.map((f) => [
      f.phase, mdText(f.cause), String(f.count), f.side === 'golive' ? mdText(GOLIVE_SIDE) : '',
    ])), '');
  }
  // What the API's contract covered: the operations exercised and the share of load responses checked.
  const contract = (g.notes ?? []).filter((n) => n.startsWith(OPENAPI_NOTE));
  if (contract.length) out.push("#### The API's contract", '', ...contract.map((n) => `- ${mdText(n.slice(OPENAPI_NOTE.length))}`), '');
  const failedDeliveries = g.deliveries.filter((d) => !d.ok);
  if (failedDeliveries.length) {
    out.push('#### Not delivered', '', ...table(['to', 'error'], failedDeliveries.map((d) => [d.sink, mdText(d.error ?? 'failed')])), '');
  }
  return `${out.join('\n')}\n`;
}
