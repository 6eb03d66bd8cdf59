#!/usr/bin/env node
// Output shown in the docs is regenerated, not typed: a ```text block right after
// `<!-- output: ARGS -->` is what `golive ARGS` prints against the reference API
// (started here on a free loopback port; `{target}` in ARGS is
// its URL). The commands of one page run in order in one scratch directory, so a
// `compare` reads the summaries the checks before it wrote.
//   node scripts/docs-output.mjs           rewrite the blocks
//   node scripts/docs-output.mjs --check   exit 1 naming each block whose output changed shape
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TOKEN = 'docs-output-token';
const MARK = /^<!-- (output|run): (.+) -->$/;

/**
 * The shape of an output: numbers and pass marks masked, blanks folded, so that
 * timings (and a p95 row that passes one run and not the next) do not count.
 */
export function shape(text) {
  // Notes are situational (a busy machine adds one about the client's own delay): not part of the shape.
  const kept = [];
  let inNotes = false;
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) inNotes = line.trim() === 'Notes';
    if (!inNotes) kept.push(line.replace(/\b\d{8}-\d{6}-[0-9a-f]+\b/g, 'RUNID'));
  }
  return kept.map((l) => l.replace(/[+-]?\d+(\.\d+)?/g, 'N').replace(/[✓✗]/g, '~').replace(/\s+/g, ' ').trim()).filter(Boolean).join('\n');
}

function run(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${args.join(' ')}: no exit within 120 s`)); }, 120_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, out }); });
  });
}

function startApi() {
  const child = spawn(process.execPath, [join(root, 'dist', 'reference-api.js'), '--port', '0', '--token', TOKEN], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => { child.kill(); reject(new Error('reference API did not start within 20 s')); }, 20_000);
    child.stdout.setEncoding('utf8').on('data', (d) => {
      buf += d;
      const m = /listening on (\S+)/.exec(buf);
      if (m) { clearTimeout(timer); resolve({ url: m[1], stop: () => child.kill() }); }
    });
    child.on('exit', () => reject(new Error('reference API exited')));
  });
}

/** Parse ARGS as a shell would for the simple quoting the docs use. */
function words(s) {
  return [...s.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

async function regenerate(page, api) {
  const lines = readFileSync(join(root, page), 'utf8').split('\n');
  const dir = mkdtempSync(join(tmpdir(), 'golive-docs-output-'));
  const blocks = [];
  try {
    for (let i = 0; i < lines.length; i++) {
      const m = MARK.exec(lines[i]);
      if (!m) continue;
      const args = words(m[2]).map((w) => w.replaceAll('{target}', api.url));
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, GOLIVE_TOKEN: TOKEN, NO_COLOR: '1' };
      if (m[1] === 'run') {
        // a step the shown outputs need (a baseline run), its output not shown
        await run(process.execPath, [join(root, 'dist', 'golive.js'), ...args], { cwd: dir, env });
        continue;
      }
      if (lines[i + 1] !== '```text') throw new Error(`${page}:${i + 1}: an output marker must be followed by a \`\`\`text block`);
      const end = lines.indexOf('```', i + 2);
      const { out } = await run(process.execPath, [join(root, 'dist', 'golive.js'), ...args], { cwd: dir, env });
      const text = out.replaceAll(dir, '.').replaceAll(api.url, 'http://127.0.0.1:8080').replace(/\s+$/, '');
      blocks.push({ page, line: i + 1, old: lines.slice(i + 2, end).join('\n'), now: text });
      lines.splice(i + 2, end - (i + 2), ...text.split('\n'));
      i = lines.indexOf('```', i + 2);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { text: lines.join('\n'), blocks };
}

async function main() {
  const check = process.argv.includes('--check');
  const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const api = await startApi();
  let stale = 0;
  try {
    for (const page of pages) {
      if (!readFileSync(join(root, page), 'utf8').includes('<!-- output: ')) continue;
      const { text, blocks } = await regenerate(page, api);
      if (!check) { writeFileSync(join(root, page), text); continue; }
      for (const b of blocks) {
        if (shape(b.old) === shape(b.now)) continue;
        stale++;
        process.stdout.write(`${b.page}:${b.line}: the output shown is not what golive prints now (run node scripts/docs-output.mjs)\n--- shown\n${b.old}\n--- now\n${b.now}\n`);
      }
    }
  } finally {
    api.stop();
  }
  process.exitCode = stale === 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
