/**
 * Reading the project's Markdown pages for the docs tests: which pages there
 * are, their headings (GitHub's anchor rule) and their fenced blocks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../support/processes.js';

export interface Fence { info: string; body: string; line: number }
export interface Page { file: string; text: string; headings: string[]; anchors: Set<string>; fences: Fence[] }

/** README.md, CONTRIBUTING.md and every page under docs/. */
export function pages(): Page[] {
  const files = ['README.md', 'CONTRIBUTING.md'];
  const walk = (dir: string): void => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.md')) files.push(join(dir, e.name));
    }
  };
  walk('docs');
  return files.map((f) => read(f));
}

export function read(file: string): Page {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const headings: string[] = [];
  const fences: Fence[] = [];
  let open: { info: string; lines: string[]; line: number } | undefined;
  text.split('\n').forEach((line, i) => {
    const fence = /^```(.*)$/.exec(line);
    if (fence) {
      if (open) {
        fences.push({ info: open.info, body: open.lines.join('\n'), line: open.line });
        open = undefined;
      } else open = { info: (fence[1] ?? '').trim(), lines: [], line: i + 1 };
      return;
    }
    if (open) open.lines.push(line);
    else if (/^#{1,6} /.test(line)) headings.push(line.replace(/^#+ /, '').trim());
  });
  return { file: relative(ROOT, join(ROOT, file)), text, headings, anchors: new Set(headings.map(anchor)), fences };
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function anchor(heading: string): string {
  return heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}
