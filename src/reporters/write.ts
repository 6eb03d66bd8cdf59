/**
 * Writes the three report files. Each one independently (a failing render or
 * write must not cost the others) and atomically: rendered in full, written to
 * a temp file in the same directory, then renamed over the target, so an
 * interrupted run leaves either the old file or the new one, never half.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResult } from '../core/result.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { redactUrls } from '../core/redact.js';
import { ensureDir } from '../core/out-dir.js';

export const REPORT_FILES = {
  json: 'summary.json',
  junit: 'junit.xml',
  html: 'report.html',
} as const;

export type ReportKind = keyof typeof REPORT_FILES;

export interface WriteOptions {
  /** keep the encoded histograms in summary.json (default true) */
  includeSeries?: boolean;
  /** which reports to write (default all three) */
  kinds?: readonly ReportKind[];
  /** a baseline run whose curves report.html draws under this run's */
  baseline?: RunResult;
}

export interface WriteOutcome {
  /** paths (outDir joined with the file name) of the files now in place */
  written: string[];
  /** one line per report that could not be written */
  errors: string[];
}

function oneLine(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const msg = e instanceof Error
    ? (e.code && !e.message.startsWith(e.code) ? `${e.code}: ${e.message}` : e.message)
    : String(err);
  return redactUrls(msg).replace(/\s*[\r\n]+\s*/g, ' ');
}

/** Temp file, fsync, rename: the rename is the commit point. */
export async function writeFileAtomic(path: string, dir: string, name: string, data: string): Promise<void> {
  const tmp = join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'wx', 0o644);
    try {
      await fh.writeFile(data, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

function render(kind: ReportKind, result: RunResult, opts: WriteOptions): string {
  switch (kind) {
    case 'json': return renderJson(result, opts.includeSeries === undefined ? {} : { includeSeries: opts.includeSeries });
    case 'junit': return renderJunit(result);
    case 'html': return renderHtml(result, opts.baseline ? { baseline: opts.baseline } : {});
  }
}

export async function writeReports(result: RunResult, outDir: string, opts: WriteOptions = {}): Promise<WriteOutcome> {
  const kinds = opts.kinds ?? (Object.keys(REPORT_FILES) as ReportKind[]);
  const written: string[] = [];
  const errors: string[] = [];
  try {
    await ensureDir(outDir);
  } catch (err) {
    return { written, errors: kinds.map((k) => `${REPORT_FILES[k]}: cannot create directory ${outDir}: ${oneLine(err)}`) };
  }
  const outcomes = await Promise.all(kinds.map(async (kind) => {
    const name = REPORT_FILES[kind];
    const path = join(outDir, name);
    let data: string;
    try {
      data = render(kind, result, opts);
    } catch (err) {
      return { ok: false as const, line: `${name}: cannot render: ${oneLine(err)}` };
    }
    try {
      await writeFileAtomic(path, outDir, name, data);
      return { ok: true as const, path };
    } catch (err) {
      return { ok: false as const, line: `${name}: cannot write ${path}: ${oneLine(err)}` };
    }
  }));
  for (const o of outcomes) {
    if (o.ok) written.push(o.path);
    else errors.push(o.line);
  }
  return { written, errors };
}
