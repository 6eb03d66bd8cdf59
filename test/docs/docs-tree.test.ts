/**
 * The docs tree (issue 23): a short README, no section of the old README lost,
 * and every relative link pointing at a page and heading that exist.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/processes.js';
import { pages, read } from './markdown.js';

describe('the docs tree', () => {
  it('keeps the README to one short page (at most 300 lines)', () => {
    const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length;
    expect(lines).toBeLessThanOrEqual(300);
  });

  it('loses no section of the old README: each of its headings is a heading in README.md or docs/', () => {
    const old = readFileSync(join(ROOT, 'test', 'fixtures', 'readme-headings.txt'), 'utf8').split('\n').filter(Boolean);
    const now = new Set(pages().flatMap((p) => p.headings));
    expect(old.length).toBeGreaterThan(40);
    expect(old.filter((h) => h !== 'golive' && !now.has(h))).toEqual([]);
  });

  it('every page under docs/ opens with a title and then the command a user runs', () => {
    for (const p of pages().filter((q) => q.file.startsWith('docs'))) {
      const lines = p.text.split('\n').filter((l) => l.trim() !== '');
      expect(lines[0], p.file).toMatch(/^# /);
      const first = lines.slice(1).find((l) => !/^#{2,6} /.test(l));
      expect(first, `${p.file}: the first line after the headings`).toMatch(/^```/);
    }
  });

  it('every relative link resolves to a file, and an anchor to a heading of that page', () => {
    const broken: string[] = [];
    for (const p of pages()) {
      for (const m of p.text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const href = m[1] ?? '';
        if (/^[a-z]+:/.test(href)) continue;
        const [path, hash] = href.split('#') as [string, string | undefined];
        const target = path === '' ? p.file : normalize(join(dirname(p.file), path));
        if (!existsSync(join(ROOT, target))) { broken.push(`${p.file}: ${href} (no file ${target})`); continue; }
        if (hash && target.endsWith('.md') && !read(target).anchors.has(hash)) broken.push(`${p.file}: ${href} (no heading #${hash} in ${target})`);
      }
    }
    expect(broken).toEqual([]);
  });
});
