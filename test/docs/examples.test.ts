/**
 * Issue 23: the docs' runnable examples run. Each `sh` block's commands run in
 * order in one scratch directory (so a `compare` can read the summaries the
 * checks before it wrote), with `golive` on PATH as the built CLI, against the
 * reference API on port 0; each must exit as its page says.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceApi, type ReferenceApi } from '../../src/reference-api/server.js';
import { CLI, cleanEnv, collect } from '../support/processes.js';
import { examplesOf, rewrite } from './examples.js';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
import { pages } from './markdown.js';

const TOKEN = 'docs-example-token';
const blocks = pages().flatMap((p) => p.fences.filter((f) => f.info === 'sh').map((f) => ({ source: `${p.file}:${f.line}`, examples: examplesOf(f.body, `${p.file}:${f.line}`) })));

let api: ReferenceApi;
let bin: string;
beforeAll(async () => {
  // 20 ms a request: latency comparisons in the examples compare 20 ms with 20 ms, not loopback noise
  api = await startReferenceApi({ token: TOKEN, latency: { kind: 'fixed', ms: 20 } });
  bin = mkdtempSync(join(tmpdir(), 'golive-docs-bin-'));
  writeFileSync(join(bin, 'golive'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(bin, 'golive'), 0o755);
});
afterAll(async () => {
  await api?.close();
  if (bin) rmSync(bin, { recursive: true, force: true });
});

describe('runnable examples in README.md and docs/', () => {
  it('the pages have runnable examples, and every sh block has at least one command', () => {
    expect(blocks.length).toBeGreaterThan(0);
    for (const b of blocks) expect(b.examples.length, b.source).toBeGreaterThan(0);
  });

  it('the rewrite points every form of the CLI at the built one and every target at the test API', () => {
    expect(rewrite('GOLIVE_TOKEN=... npm run golive-check -- --target https://api.example --phases load', 'http://127.0.0.1:1'))
      .toBe('golive check --target http://127.0.0.1:1 --phases load');
    expect(rewrite('npx golive compare a.json b.json', 'x')).toBe('golive compare a.json b.json');
    expect(examplesOf('golive check --target URL \\\n  --phases load   # exit 99\n# a comment', 'f')).toEqual([{ command: 'golive check --target URL --phases load', exit: 99, source: 'f' }]);
  });

  for (const block of blocks) {
    it(`${block.source} runs as written`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'golive-docs-run-'));
      try {
        for (const ex of block.examples) {
          const command = rewrite(ex.command, api.url, ROOT);
          const child = spawn('bash', ['-c', command], {
            cwd: dir,
            env: cleanEnv({ PATH: `${bin}:${process.env.PATH ?? ''}`, GOLIVE_TOKEN: TOKEN }),
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          const done = await collect(child, 120_000);
          expect(done.code, `${ex.source}: ${ex.command}\n${done.stdout.slice(-1500)}\n${done.stderr.slice(-1500)}`).toBe(ex.exit);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 300_000);
  }
});
