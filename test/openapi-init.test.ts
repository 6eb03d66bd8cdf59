/**
 * `golive init --from-openapi` against the reference API on port 0: the
 * config it writes runs and passes, covering every documented operation.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result.js';
import { startReferenceApi, type ReferenceApi } from '../src/reference-api/server.js';
import { runCli } from './support/processes.js';
import { TOKEN } from './support/reference-api-client.js';

let api: ReferenceApi | undefined;
afterEach(async () => { await api?.close(); api = undefined; });

describe('golive init', () => {
  it('--from-openapi writes checks that run and pass against the API, covering every operation', async () => {
    api = await startReferenceApi({ token: TOKEN });
    const dir = await mkdtemp(join(tmpdir(), 'golive-init-'));
    const init = await runCli(['init', '--from-openapi', `${api.url}/openapi.json`], { cwd: dir });
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/wrote .*golive\.config\.ts \(the runbook's checks, 5 check\(s\) from 5 documented operation\(s\)\)/);
    const text = await readFile(join(dir, 'golive.config.ts'), 'utf8');
    expect(text).not.toContain(TOKEN);
    const again = await runCli(['init'], { cwd: dir });
    expect(again.code).toBe(104);
    expect(again.stderr).toMatch(/golive\.config\.ts exists; pass --force/);

    const env = { GOLIVE_TARGET: api.url, GOLIVE_TOKEN: TOKEN, API_USERNAME: 'golive', API_PASSWORD: TOKEN };
    const res = await runCli(['check', '--no-color', '--requests', '50', '--out', join(dir, 'reports')], { cwd: dir, env });
    expect(res.code).toBe(0);
    const s = JSON.parse(await readFile(join(dir, 'reports', 'summary.json'), 'utf8')) as RunResult;
    const declared = s.golive.checks.filter((c) => c.phase === 'checks');
    expect(declared.length).toBeGreaterThanOrEqual(10);
    expect(declared.filter((c) => c.fails > 0)).toEqual([]);
    expect(declared.map((c) => c.name)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^login: .*status is 200$/),
      expect.stringMatching(/^api-v1-signals: .*schema/),
      expect.stringMatching(/^api-v1-data-market-post: .*status is 200$/),
    ]));
    expect(s.golive.notes).toContain('openapi: covered 5 of 5 operations');
  });
});
