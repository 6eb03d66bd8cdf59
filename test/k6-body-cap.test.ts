/**
 * maxBodyBytes under both engines for declared checks: k6 buffers a body
 * itself, so the k6 script applies the cap to what it kept, before any
 * assertion reads it, and says so in the node client's words. Real k6, a
 * scripted node:http server sending exactly the bytes each case needs (ASCII, and
 * three-byte UTF-8 characters, where k6's string is shorter than its bytes).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overBytes } from '../checks/declared/bytes.js';
import type { RunResult } from '../src/core/result.js';
import { k6Binary } from './support/k6.js';
import { readSummary } from './support/parity.js';
import { runCli } from './support/processes.js';
import { scriptedServer, type ScriptedServer } from './support/scripted-server.js';

const CAP = 1000;
const BODIES: Record<string, string> = {
  '/big': JSON.stringify({ pad: 'x'.repeat(2 * CAP) }),
  // 400 characters of k6's string, 1,200 bytes on the wire
  '/euro': JSON.stringify({ pad: '€'.repeat(400) }),
  '/small': JSON.stringify({ pad: '€'.repeat(300) }),
};

let server: ScriptedServer;
let url = '';
beforeAll(async () => {
  const json = { 'content-type': 'application/json; charset=utf-8' };
  server = await scriptedServer(Object.fromEntries(Object.entries(BODIES).map(([path, body]) => [`GET ${path}`, { headers: json, body }])));
  url = server.url;
});
afterAll(() => server?.close());

const config = {
  preset: 'none', phases: ['checks'], maxBodyBytes: CAP,
  checks: Object.keys(BODIES).map((path) => ({ name: path.slice(1), steps: [{ path, expect: [{ status: 200 }, { jsonpath: '$.pad', exists: true }] }] })),
};

async function run(engine: 'node' | 'k6'): Promise<{ code: number; result: RunResult; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), `golive-body-cap-${engine}-`));
  const file = join(dir, 'golive.config.json');
  await writeFile(file, JSON.stringify(config));
  const out = join(dir, 'reports');
  const res = await runCli(['check', '--config', file, '--target', url, '--out', out, '--no-color', '--engine', engine], { env: { K6_BINARY: k6Binary() }, deadlineMs: 120_000 });
  return { code: res.code ?? -1, result: await readSummary(out), stderr: res.stderr };
}

const outcomes = (r: RunResult) => r.golive.checks.filter((c) => c.phase === 'checks').map((c) => ({ name: c.name, fails: c.fails, reasons: c.reasons }));

describe('overBytes counts UTF-8 bytes', () => {
  it('decides by the bytes, not the string length', () => {
    expect(overBytes('x'.repeat(10), 10)).toBe(false);
    expect(overBytes('x'.repeat(11), 10)).toBe(true);
    expect(overBytes('€'.repeat(4), 11)).toBe(true);
    expect(overBytes('€'.repeat(4), 12)).toBe(false);
    expect(overBytes('é'.repeat(5), 9)).toBe(true);
    // a surrogate pair is four bytes
    expect(overBytes('😀'.repeat(3), 11)).toBe(true);
    expect(overBytes('😀'.repeat(3), 12)).toBe(false);
  });
});

describe('maxBodyBytes on declared checks, node vs the real k6', () => {
  it('a body over the cap fails what reads it with "body larger than N bytes" under both; one under it passes', async () => {
    const node = await run('node');
    const k6 = await run('k6');
    expect(outcomes(k6.result), k6.stderr).toEqual(outcomes(node.result));
    expect(node.code).toBe(99);
    const byName = new Map(outcomes(node.result).map((o) => [o.name, o]));
    for (const name of ['big', 'euro']) expect(byName.get(`${name}: GET /${name} $.pad exists`)?.reasons).toEqual([`body larger than ${CAP} bytes`]);
    expect(byName.get('small: GET /small $.pad exists')?.fails).toBe(0);
    expect(byName.get('big: GET /big status is 200')?.fails).toBe(0);
  }, 180_000);
});
