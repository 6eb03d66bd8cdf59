/**
 * One sign-off from resolved inputs: evaluate, assemble the report, write its
 * files, notify. The CLI resolves and checks every input before this runs.
 */
import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import { EXIT } from '../core/errors.js';
import { redactUrl } from '../core/redact.js';
import { VERSION } from '../core/version.js';
import type { NotifyConfig } from '../notify/config.js';
import type { Criterion } from './criteria.js';
import type { CapacityRun } from './eval-capacity.js';
import { evaluateCriteria, signoffVerdict } from './evaluate.js';
import { notifySignoff } from './notify.js';
import type { PromReader } from './prom.js';
import type { SignOffLine, SignoffReport } from './types.js';
import { iso, promRange, type SignoffWindow } from './window.js';
import { SIGNOFF_FILES, writeSignoff } from './write.js';

export interface SignoffInputs {
  reader: PromReader;
  prometheusUrl: string;
  window: SignoffWindow;
  sel: string;
  capacitySel: string;
  staleAfterS: number;
  criteria: Criterion[];
  source: string;
  capacitySummary?: CapacityRun;
  signOff: SignOffLine[];
  outDir: string;
  githubStepSummary?: string;
  notify?: NotifyConfig;
  nowMs: () => number;
  clock: Clock;
  timeoutMs: number;
}

export async function runSignoff(i: SignoffInputs): Promise<{ report: SignoffReport; lines: string[] }> {
  const w = i.window;
  const criteria = await evaluateCriteria({ reader: i.reader, window: w, sel: i.sel, capacitySel: i.capacitySel, staleAfterS: i.staleAfterS, criteria: i.criteria, ...(i.capacitySummary ? { capacitySummary: i.capacitySummary } : {}) });
  const v = signoffVerdict(criteria, w.complete);
  const notes: string[] = [];
  if (!w.complete) notes.push(`The ${promRange(w.requested)} window ends at ${iso(w.start + w.requested)}: measured up to ${iso(w.end)}; not a sign-off until the window has passed.`);
  const report: SignoffReport = {
    kind: 'golive-signoff', version: VERSION, since: iso(w.start), until: iso(w.end), windowSeconds: w.end - w.start, by: w.by,
    evaluatedAt: new Date(i.nowMs()).toISOString(), prometheus: redactUrl(i.prometheusUrl), selector: `{${i.sel}}`, source: i.source,
    status: v.status, exitCode: v.exitCode, criteria, notes, signOff: i.signOff,
  };
  const lines: string[] = [];
  if (i.notify) {
    const sent = await notifySignoff({ config: i.notify, report, reportLocation: join(i.outDir, SIGNOFF_FILES.html), timeoutMs: i.timeoutMs, clock: i.clock });
    const failed = sent.filter((d) => !d.ok);
    lines.push(...failed.map((d) => `golive: ${d.sink} notification failed: ${d.error ?? 'unknown error'}`));
    // As for a run: a notification that did not go out turns a pass into 108, never a failure into one.
    if (failed.length && report.exitCode === EXIT.passed) report.exitCode = EXIT.deliveryFailed;
  }
  const out = await writeSignoff(report, i.outDir, i.githubStepSummary);
  lines.push(...out.errors);
  return { report, lines };
}
