/**
 * Declared checks as a user writes them (YAML and JSON config files, the real
 * CLI in its own process): every bad input is one line naming its path, exit
 * 104, and not one request reaches the server (counted there).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/processes.js';
import { scriptedServer } from './support/scripted-server.js';
import type { ScriptedServer } from './support/scripted-server.js';

let server: ScriptedServer;
let dir: string;
beforeAll(async () => {
  server = await scriptedServer({ 'GET /x': { body: { ok: true } }, 'POST /login': { body: { token: 't-123456' } } });
  dir = await mkdtemp(join(tmpdir(), 'golive-declared-'));
});
afterAll(async () => server.close());

async function cli(name: string, config: string, env: Record<string, string> = {}) {
  const file = join(dir, name);
  await writeFile(file, config);
  return runCli(['check', '--config', file, '--target', server.url, '--out', join(dir, `out-${name}`), '--no-color'], { env });
}

const json = (checks: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ phases: ['checks'], checks, ...extra });
const ok = [{ name: 'a', steps: [{ path: '/x' }] }];

describe('bad declared checks: one line naming the path, exit 104, no request', () => {
  const cases: Array<[string, string, RegExp, Record<string, string>?]> = [
    ['an unknown key', json([{ name: 'a', steps: [{ path: '/x', expext: [] }] }]), /`checks\[0\]\.steps\[0\]\.expext`: unknown key, did you mean `checks\[0\]\.steps\[0\]\.expect`\?/],
    ['an unknown assertion key', json([{ name: 'a', steps: [{ path: '/x', expect: [{ status: 200 }, { jsonpath: '$.a', equal: 1 }] }] }]), /`checks\[0\]\.steps\[0\]\.expect\[1\]\.equal`: unknown key, did you mean `checks\[0\]\.steps\[0\]\.expect\[1\]\.equals`\?/],
    ['a bad JSONPath', json([{ name: 'a', steps: [{ path: '/x', expect: [{ status: 200 }, { jsonpath: '$.a[', exists: true }] }] }]),
      /checks\[0\]\.steps\[0\]\.expect\[1\]\.jsonpath: unclosed bracketed selection \('\$\.a\[':4\)/],
    ['a schema that does not compile', json([{ name: 'a', steps: [{ path: '/x', expect: [{ schema: { type: 'numbr' } }] }] }]),
      /checks\[0\]\.steps\[0\]\.expect\[0\]\.schema: schema does not compile: /],
    ['a capture used before it is defined', json([{ name: 'a', steps: [{ path: '/x?t=${token}' }, { method: 'POST', path: '/login', capture: { token: { jsonpath: '$.token' } } }] }]),
      /checks\[0\]\.steps\[0\]\.path: \$\{token\} is used before it is captured/],
    ['an env var that is not set', json([{ name: 'a', steps: [{ path: '/x', headers: { 'x-key': '${env.MISSING_KEY}' } }] }]),
      /checks\[0\]\.steps\[0\]\.headers\.x-key: env var MISSING_KEY is not set/],
    ['a mix naming an unknown check', json(ok, { load: { mix: [{ check: 'a', weight: 1 }, { check: 'nope', weight: 1 }] } }),
      /load\.mix\[1\]\.check: no check named "nope" \(declared: a; runbook preset: health, health-api-v1-data-health, market-data, market-data-unauthenticated\)/],
    ['weights that do not add to a positive number', json(ok, { load: { mix: [{ check: 'a', weight: 0 }] } }), /load\.mix: weights add up to 0; expected a positive total/],
    ['a negative weight', json(ok, { load: { mix: [{ check: 'a', weight: -1 }] } }), /load\.mix\[0\]\.weight: /],
    ['two checks of one name', json([...ok, ...ok]), /checks: expected distinct check names/],
    ['a YAML file that does not parse', 'checks:\n  - name: a\n   steps: []\n', /config file .*golive\.config\.yaml: /],
  ];
  for (const [what, config, line, env] of cases) {
    it(what, async () => {
      const before = server.count();
      const res = await cli(what === 'a YAML file that does not parse' ? 'golive.config.yaml' : `${what.replace(/\W+/g, '-')}.json`, config, env);
      expect(res.code).toBe(104);
      // One line for the one problem (after the line naming the config file).
      expect(res.stderr.trim().split('\n').filter((l) => !/^golive: config file .*\(--config\)$/.test(l))).toHaveLength(1);
      expect(res.stderr).toMatch(line);
      expect(res.stderr).not.toMatch(/\n\s+at /);
      expect(server.count()).toBe(before);
    });
  }
});

describe('a YAML config runs', () => {
  it('golive.config.yaml with a bodyFile, passing', async () => {
    await writeFile(join(dir, 'login.json'), '{"user":"ops"}');
    const yaml = [
      'phases: [checks]',
      'checks:',
      '  - name: login',
      '    steps:',
      '      - method: POST',
      '        path: /login',
      '        bodyFile: login.json',
      '        headers: { content-type: application/json }',
      '        expect:',
      '          - status: 200',
      '          - jsonpath: $.token',
      '            matches: "^t-"',
      '',
    ].join('\n');
    const before = server.count('POST /login');
    const res = await cli('golive.config.yaml', yaml);
    expect(res.stderr.trim()).toMatch(/^golive: config file \S+golive\.config\.yaml \(--config\)$/);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('login: POST /login $.token matches /^t-/');
    expect(server.count('POST /login')).toBe(before + 1);
    expect(server.seen.at(-1)?.body).toBe('{"user":"ops"}');
  });
});
