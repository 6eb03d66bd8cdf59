/**
 * Where the Markdown summary goes: appended to `$GITHUB_STEP_SUMMARY` (GitHub
 * Actions shows it on the run's page) and/or written to `--summary-md FILE`.
 * Never throws: a summary that cannot be written is one line for stderr.
 */
import { appendFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { RunResult } from '../core/result.js';
import { renderMarkdown } from './markdown.js';
import { writeFileAtomic } from './write.js';

export interface MarkdownTargets {
  /** --summary-md FILE, resolved against cwd */
  file?: string;
  /** the value of GITHUB_STEP_SUMMARY, when set */
  githubStepSummary?: string;
}

export async function writeMarkdownSummaries(result: RunResult, to: MarkdownTargets, cwd: string): Promise<string[]> {
  const errors: string[] = [];
  if (!to.file && !to.githubStepSummary) return errors;
  const md = renderMarkdown(result);
  if (to.githubStepSummary) {
    try {
      await appendFile(to.githubStepSummary, md, 'utf8');
    } catch (err) {
      errors.push(`GITHUB_STEP_SUMMARY not written: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  if (to.file) {
    const path = resolve(cwd, to.file);
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFileAtomic(path, dirname(path), basename(path), md);
    } catch (err) {
      errors.push(`--summary-md ${to.file} not written: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  return errors;
}
