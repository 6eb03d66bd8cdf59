/**
 * Writes the sign-off's files, each independently and atomically (as the run
 * reports are), and appends the Markdown to `$GITHUB_STEP_SUMMARY`. Never
 * throws: a file that cannot be written is one line for stderr.
 */
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDir } from '../core/out-dir.js';
import { redactingReplacer } from '../core/redact.js';
import { writeFileAtomic } from '../reporters/write.js';
import { renderSignoffHtml } from './render-html.js';
import { renderSignoffJunit, renderSignoffMarkdown } from './render-text.js';
import type { SignoffReport } from './types.js';

export const SIGNOFF_FILES = { json: 'signoff.json', html: 'signoff.html', md: 'signoff.md', junit: 'signoff-junit.xml' } as const;

export async function writeSignoff(r: SignoffReport, outDir: string, githubStepSummary: string | undefined): Promise<{ written: string[]; errors: string[] }> {
  const written: string[] = [];
  const errors: string[] = [];
  try {
    await ensureDir(outDir);
  } catch (err) {
    return { written, errors: [`--out ${outDir}: cannot create the directory: ${(err as NodeJS.ErrnoException).code ?? String(err)}`] };
  }
  const md = renderSignoffMarkdown(r);
  const files: [string, () => string][] = [
    [SIGNOFF_FILES.json, () => `${JSON.stringify(r, redactingReplacer, 2)}\n`],
    [SIGNOFF_FILES.html, () => renderSignoffHtml(r)],
    [SIGNOFF_FILES.md, () => md],
    [SIGNOFF_FILES.junit, () => renderSignoffJunit(r)],
  ];
  for (const [name, render] of files) {
    try {
      await writeFileAtomic(join(outDir, name), outDir, name, render());
      written.push(join(outDir, name));
    } catch (err) {
      errors.push(`${name} not written: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  if (githubStepSummary) {
    try {
      await appendFile(githubStepSummary, md, 'utf8');
    } catch (err) {
      errors.push(`GITHUB_STEP_SUMMARY not written: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  return { written, errors };
}
