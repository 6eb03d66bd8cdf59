import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCheckFlags } from '../src/config/flags.js';
import { readConfigFile, resolvePlan } from '../src/config/load.js';
import { GoliveError, exitCodeFor } from '../src/core/errors.js';
import type { ErrorCode } from '../src/core/errors.js';

const execFileP = promisify(execFile);
const PROJECT_CACHE = fileURLToPath(new URL('../node_modules/.cache/', import.meta.url));

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'golive-config-load-')); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

const write = (name: string, text: string): string => {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
};
const flags = (...argv: string[]) => parseCheckFlags(argv);
const HEALTH_ONLY = { GOLIVE_TARGET: 'http://127.0.0.1:1' };

async function rejection(p: Promise<unknown>, code: ErrorCode): Promise<string> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(GoliveError);
  expect((err as GoliveError).code).toBe(code);
  expect(exitCodeFor(err)).toBe(104);
  const msg = (err as Error).message;
  expect(msg).not.toContain('\n');
  return msg;
}

describe('resolvePlan: config files', () => {
  it('without a file: defaults plus env', async () => {
    const r = await resolvePlan(flags('--phases', 'health'), HEALTH_ONLY, dir);
    expect(r.configFile).toBeUndefined();
    expect(r.ca).toBeUndefined();
    expect(r.plan).toMatchObject({ target: 'http://127.0.0.1:1', phases: ['health'], requestTimeoutMs: 10_000 });
  });

  it('finds golive.config.json in the working directory', async () => {
    const file = write('golive.config.json', JSON.stringify({ target: 'http://json', phases: ['load'], requestTimeoutMs: 1234 }));
    const r = await resolvePlan(flags(), {}, dir);
    expect(r.configFile).toBe(file);
    expect(r.plan).toMatchObject({ target: 'http://json', phases: ['load'], requestTimeoutMs: 1234 });
  });

  it('loads golive.config.ts with its types stripped and relative imports bundled', async () => {
    write('lib/limits.ts', 'export const P95: number = 450;\nexport type Unused = { a: string };\n');
    const file = write('golive.config.ts', [
      "import type { Unused } from './lib/limits.js';",
      "import { P95 } from './lib/limits.ts';",
      'interface Cfg { target: string; phases: string[]; thresholds: Record<string, string[]> }',
      'const u: Unused | undefined = undefined;',
      "const cfg: Cfg = { target: 'http://ts', phases: ['health', 'load'], thresholds: { 'http_req_duration{phase:load}': [`p(95)<${P95}`] } };",
      'export default cfg satisfies Cfg;',
      '',
    ].join('\n'));
    const r = await resolvePlan(flags(), {}, dir);
    expect(r.configFile).toBe(file);
    expect(r.plan.target).toBe('http://ts');
    expect(r.plan.thresholds).toEqual({ 'http_req_duration{phase:load}': ['p(95)<450'] });
  });

  it('a .ts config may import packages: they resolve from the config file, not from a temp dir', async () => {
    // vitest's own loader would resolve `zod` from anywhere, so the loader runs under plain Node.
    // node_modules/.cache is inside the project: `zod` resolves from there as from a user's config.
    mkdirSync(PROJECT_CACHE, { recursive: true });
    const proj = mkdtempSync(join(PROJECT_CACHE, 'golive-config-load-'));
    try {
      await build({
        entryPoints: [fileURLToPath(new URL('../src/config/load.ts', import.meta.url))],
        outfile: join(proj, 'load.mjs'), bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent',
      });
      mkdirSync(join(proj, 'app'));
      writeFileSync(join(proj, 'app', 'golive.config.ts'), [
        "import { z } from 'zod';",
        "const target: string = z.string().parse('http://from-package');",
        "export default { target, phases: ['health'] };",
        '',
      ].join('\n'));
      const script = `const m = await import(${JSON.stringify(pathToFileURL(join(proj, 'load.mjs')).href)});
        try { console.log(JSON.stringify(await m.readConfigFile(${JSON.stringify(join(proj, 'app', 'golive.config.ts'))}))); }
        catch (e) { console.log(JSON.stringify({ error: e.message })); }`;
      const { stdout } = await execFileP(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000 });
      expect(JSON.parse(stdout)).toEqual({ target: 'http://from-package', phases: ['health'] });
      expect(readdirSync(join(proj, 'app'))).toEqual(['golive.config.ts']);
    } finally {
      rmSync(proj, { recursive: true, force: true });
    }
  });

  it('loads a .mjs default export', async () => {
    write('golive.config.mjs', "export default { target: 'http://mjs', phases: ['health'] };\n");
    expect((await resolvePlan(flags(), {}, dir)).plan.target).toBe('http://mjs');
  });

  it('prefers .ts over .json when both exist', async () => {
    write('golive.config.json', JSON.stringify({ target: 'http://json', phases: ['health'] }));
    write('golive.config.ts', "export default { target: 'http://ts' as string, phases: ['health'] };\n");
    expect((await resolvePlan(flags(), {}, dir)).plan.target).toBe('http://ts');
  });

  it('--config resolves against the working directory and wins over discovery', async () => {
    write('golive.config.json', JSON.stringify({ target: 'http://discovered', phases: ['health'] }));
    const file = write('conf/other.json', JSON.stringify({ target: 'http://explicit', phases: ['health'] }));
    const r = await resolvePlan(flags('--config', 'conf/other.json'), {}, dir);
    expect(r.configFile).toBe(file);
    expect(r.plan.target).toBe('http://explicit');
  });

  it('--config naming a missing file fails with the flag and the path', async () => {
    const m = await rejection(resolvePlan(flags('--config', 'nope.json'), HEALTH_ONLY, dir), 'GOLIVE_INVALID_CONFIG');
    expect(m).toBe('--config: file not found: nope.json');
  });

  it.each([
    ['golive.config.json', '{ "target": ', /^config file .*golive\.config\.json: .*JSON/],
    ['golive.config.json', '[1, 2]', /expected an object/],
    ['golive.config.ts', 'export default {{ broken', /^config file .*golive\.config\.ts: /],
    ['golive.config.ts', 'export const notDefault = 1;\n', /expected an object \(a default export/],
    ['golive.config.mjs', 'throw new Error("boom\\nsecond line");\n', /^config file .*golive\.config\.mjs: boom$/],
  ])('%s containing %j is a one-line config error', async (name, text, msg) => {
    write(name, text);
    expect(await rejection(resolvePlan(flags(), HEALTH_ONLY, dir), 'GOLIVE_INVALID_CONFIG')).toMatch(msg);
  });

  it('validation errors from the file carry the path and the flag', async () => {
    write('golive.config.json', JSON.stringify({ target: 'http://x', phases: ['health'], load: { workload: { model: 'closed', requests: -1 } } }));
    expect(await rejection(resolvePlan(flags(), {}, dir), 'GOLIVE_INVALID_CONFIG')).toContain('load.workload.requests (--requests)');
  });

  it('readConfigFile reads one file directly', async () => {
    const file = write('x.json', '{"a":{"b":1}}');
    expect(await readConfigFile(file)).toEqual({ a: { b: 1 } });
  });
});

describe('resolvePlan: precedence defaults < file < env < flags', () => {
  const file = {
    target: 'http://file', environment: 'file-env', requestTimeoutMs: 111, deadlineSeconds: 222, out: 'file-out',
    phases: ['health', 'load'], load: { path: '/file', workload: { model: 'closed', requests: 10, concurrency: 3 } },
  };

  it.each<[string, string[], Record<string, string>, Record<string, unknown>]>([
    ['file over defaults', [], {}, { target: 'http://file', environment: 'file-env', requestTimeoutMs: 111, json: false, engine: 'node' }],
    ['env over file', [], { GOLIVE_TARGET: 'http://env', GOLIVE_ENVIRONMENT: 'env-env' },
      { target: 'http://env', environment: 'env-env', requestTimeoutMs: 111 }],
    ['flags over env and file', ['--target', 'http://flag', '--environment', 'flag-env', '--timeout', '333'],
      { GOLIVE_TARGET: 'http://env', GOLIVE_ENVIRONMENT: 'env-env' },
      { target: 'http://flag', environment: 'flag-env', requestTimeoutMs: 333, deadlineSeconds: 222, out: 'file-out' }],
    ['flags merge into the file workload', ['--requests', '20'], {},
      { load: { path: '/file', method: 'GET', workload: { model: 'closed', requests: 20, concurrency: 3 } } }],
    ['a flag model switch replaces the file workload', ['--rate', '5', '--duration', '2'], {},
      { load: { path: '/file', method: 'GET', workload: { model: 'open', rate: 5, durationSeconds: 2, maxInFlight: 1000 } } }],
  ])('%s', async (_name, argv, env, expected) => {
    write('golive.config.json', JSON.stringify(file));
    const { plan } = await resolvePlan(flags(...argv), env, dir);
    expect(plan).toMatchObject(expected);
  });

  it('the extra layer sits below the file', async () => {
    write('golive.config.json', JSON.stringify({ target: 'http://file', phases: ['health'] }));
    const { plan } = await resolvePlan(flags(), {}, dir, { target: 'http://extra', out: 'extra-out' });
    expect(plan.target).toBe('http://file');
    expect(plan.out).toBe('extra-out');
  });
});

describe('resolvePlan: secrets from files', () => {
  const env = { GOLIVE_TARGET: 'http://127.0.0.1:1' };

  it('reads and trims the token file (flag path relative to cwd)', async () => {
    write('secrets/token', '  tok-123\n');
    const { plan } = await resolvePlan(flags('--token-file', 'secrets/token'), env, dir);
    expect(plan.token).toBe('tok-123');
    expect(plan.phases).toContain('market-data');
  });

  it('reads GOLIVE_TOKEN_FILE, and a token file beats GOLIVE_TOKEN', async () => {
    const p = write('token', 'from-file\n');
    expect((await resolvePlan(flags(), { ...env, GOLIVE_TOKEN_FILE: p }, dir)).plan.token).toBe('from-file');
    expect((await resolvePlan(flags(), { ...env, GOLIVE_TOKEN: 'from-env', GOLIVE_TOKEN_FILE: p }, dir)).plan.token).toBe('from-file');
    expect((await resolvePlan(flags(), { ...env, GOLIVE_TOKEN: 'from-env' }, dir)).plan.token).toBe('from-env');
  });

  it('a token file beats a token in the config file', async () => {
    write('golive.config.json', JSON.stringify({ token: 'file-token' }));
    write('t', 'tf');
    expect((await resolvePlan(flags('--token-file', 't'), env, dir)).plan.token).toBe('tf');
  });

  it.each([
    ['missing', undefined, /^--token-file .*missing-token: ENOENT/],
    ['empty', ' \n', /^--token-file .*empty: file is empty$/],
  ])('a %s token file is a config error', async (name, text, msg) => {
    if (text !== undefined) write(name, text);
    const target = text === undefined ? 'missing-token' : name;
    expect(await rejection(resolvePlan(flags('--token-file', target), env, dir), 'GOLIVE_INVALID_CONFIG')).toMatch(msg);
  });

  it('no token with market-data selected names both ways to give one', async () => {
    const m = await rejection(resolvePlan(flags(), env, dir), 'GOLIVE_MISSING_TOKEN');
    expect(m).toMatch(/GOLIVE_TOKEN.*--token-file/);
  });

  it('reads the CA bundle named by the config', async () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    write('ca.pem', `${pem}\n`);
    write('golive.config.json', JSON.stringify({ phases: ['health'], caFile: 'ca.pem' }));
    const r = await resolvePlan(flags(), env, dir);
    expect(r.ca).toBe(pem);
    expect(r.plan.caFile).toBe('ca.pem');
  });

  it('a missing CA file is a config error naming --ca-file', async () => {
    const m = await rejection(resolvePlan(flags('--ca-file', 'none.pem', '--phases', 'health'), env, dir), 'GOLIVE_INVALID_CONFIG');
    expect(m).toMatch(/^--ca-file .*none\.pem: ENOENT/);
  });

  it('secret values never appear in errors', async () => {
    write('token', 'SECRET-TOKEN-VALUE');
    write('golive.config.json', JSON.stringify({ target: 'gopher://nope' }));
    const m = await rejection(resolvePlan(flags('--token-file', 'token'), { GOLIVE_PROMETHEUS_PASSWORD: 'SECRET-PW' }, dir), 'GOLIVE_INVALID_CONFIG');
    expect(m).not.toMatch(/SECRET/);
    expect(m).toContain('target (--target)');
  });
});

describe('resolvePlan: Prometheus credentials from files', () => {
  it('reads GOLIVE_PROMETHEUS_*_FILE and names the variable when a file is missing', async () => {
    writeFileSync(join(dir, 'pw'), 's3cret\n');
    writeFileSync(join(dir, 'bt'), 'bearer-xyz');
    const r = await resolvePlan(flags('--phases', 'health'), { ...HEALTH_ONLY, GOLIVE_PROMETHEUS_PASSWORD_FILE: 'pw', GOLIVE_PROMETHEUS_BEARER_TOKEN_FILE: join(dir, 'bt') }, dir);
    expect(r.plan.prometheus.password).toBe('s3cret');
    expect(r.plan.prometheus.bearerToken).toBe('bearer-xyz');
    const m = await rejection(resolvePlan(flags('--phases', 'health'), { ...HEALTH_ONLY, GOLIVE_PROMETHEUS_USERNAME_FILE: 'nope' }, dir), 'GOLIVE_INVALID_CONFIG');
    expect(m).toMatch(/GOLIVE_PROMETHEUS_USERNAME_FILE/);
  });
});
