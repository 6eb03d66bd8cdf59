/**
 * Reads a summary.json written by golive (a run, a merged run, or a baseline)
 * back into a RunResult. Size-capped, shape-checked with zod: a wrong file is
 * one line naming the file and the field (exit 104), never a stack trace.
 */
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { GoliveError, firstLine } from '../core/errors.js';
import type { RunResult } from '../core/result.js';

/** Far above any real summary (a one-hour run's timeline is a few MB). */
const MAX_BYTES = 256 * 1024 * 1024;

const shape = z.object({
  metrics: z.record(z.string(), z.object({ type: z.string(), values: z.record(z.string(), z.number()) }).loose()),
  golive: z.object({
    runId: z.string(),
    target: z.string(),
    engine: z.enum(['node', 'k6']),
    startedAt: z.string(),
    finishedAt: z.string(),
    durationMs: z.number(),
    verdict: z.enum(['passed', 'failed', 'aborted', 'error']),
    exitCode: z.number().int(),
    phases: z.array(z.object({ name: z.string(), status: z.string(), durationMs: z.number() }).loose()),
    checks: z.array(z.object({ phase: z.string(), name: z.string(), passes: z.number(), fails: z.number(), reasons: z.array(z.string()) }).loose()),
    thresholds: z.array(z.object({ metric: z.string(), expression: z.string(), ok: z.boolean(), message: z.string() }).loose()),
    rollback: z.object({ triggered: z.boolean(), reasons: z.array(z.string()) }),
    deliveries: z.array(z.object({ sink: z.string(), ok: z.boolean(), attempts: z.number() }).loose()),
    series: z.array(z.object({ name: z.string(), type: z.string(), tags: z.record(z.string(), z.string()) }).loose()).optional(),
    timeline: z.object({ intervalMs: z.number().int().positive(), series: z.array(z.object({ phase: z.string(), startMs: z.number(), reqs: z.array(z.number()) }).loose()) }).loose().optional(),
  }).loose(),
}).loose();

/** `what` names the file's role in errors, e.g. "--baseline". */
export async function readSummary(path: string, what: string): Promise<RunResult> {
  let text: string;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new Error('not a file');
    if (st.size > MAX_BYTES) throw new Error(`larger than ${MAX_BYTES} bytes`);
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new GoliveError('GOLIVE_USAGE', `${what} ${path}: cannot read: ${code === 'ENOENT' ? 'no such file' : firstLine(err)}`);
  }
  return parseSummary(text, `${what} ${path}`);
}

export function parseSummary(text: string, label: string): RunResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new GoliveError('GOLIVE_USAGE', `${label}: not JSON: ${firstLine(err)}`);
  }
  const parsed = shape.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.join('.') || '(root)';
    throw new GoliveError('GOLIVE_USAGE', `${label}: not a golive summary.json: ${at}: ${issue?.message ?? 'invalid'}`);
  }
  // The shape check covers every field the reporters read; the rest rides along.
  return value as RunResult;
}
