import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { GoliveError } from '../src/core/errors.js';
import { parseReferenceApiArgs } from '../src/reference-api/args.js';
import { ROOT, call } from './support/reference-api-client.js';

describe('reference API arguments', () => {
  const parse = (argv: string[], env: NodeJS.ProcessEnv = {}, read?: (p: string) => string): ReturnType<typeof parseReferenceApiArgs> =>
    parseReferenceApiArgs(argv, env, read);
  const usageError = (argv: string[], env: NodeJS.ProcessEnv = {}): GoliveError => {
    try {
      parse(argv, env);
    } catch (err) {
      expect(err).toBeInstanceOf(GoliveError);
      expect((err as GoliveError).code).toBe('GOLIVE_USAGE');
      expect((err as GoliveError).message).not.toContain('\n');
      return err as GoliveError;
    }
    throw new Error(`expected a usage error for ${argv.join(' ')}`);
  };

  it('parses every flag', () => {
    expect(
      parse(['--port', '8080', '--host', '::1', '--token', 'T', '--latency', 'fixed:600', '--error-rate', '0.03', '--seed', '9', '--down', '--bad-schema']),
    ).toEqual({ port: 8080, host: '::1', token: 'T', latency: { kind: 'fixed', ms: 600 }, errorRate: 0.03, seed: 9, down: true, badSchema: true });
    expect(parse(['--latency', 'uniform:10-50'], { GOLIVE_TOKEN: 'E' })).toEqual({ token: 'E', latency: { kind: 'uniform', minMs: 10, maxMs: 50 } });
    expect(parse(['--token', 'T', '--latency', 'bimodal:5,200,0.1']).latency).toEqual({ kind: 'bimodal', fastMs: 5, slowMs: 200, slowFraction: 0.1 });
    expect(parse(['--token', 'T', '--latency', 'stall:1000/500']).latency).toEqual({ kind: 'stall', ms: 1000, every: 500 });
    expect(parse(['--token', 'T', '--latency', 'stall:1000/500,2']).latency).toEqual({ kind: 'stall', ms: 1000, every: 500, baseMs: 2 });
    expect(parse(['--token-file', '/x'], {}, () => 'from-file\n').token).toBe('from-file');
    expect(parse(['--token', 'flag'], { GOLIVE_TOKEN: 'env' }).token).toBe('flag');
  });

  it('reads a real token file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-ra-'));
    writeFileSync(join(dir, 'token'), 'file-token\n');
    expect(parse(['--token-file', join(dir, 'token')]).token).toBe('file-token');
    expect(usageError(['--token-file', join(dir, 'missing')]).message).toMatch(/--token-file: cannot read .*ENOENT/);
  });

  it.each([
    [['--token', 'T', '--port', '70000'], /--port: expected an integer from 0 to 65535/],
    [['--token', 'T', '--port', 'abc'], /--port: /],
    [['--token', 'T', '--latency', 'fixed:-5'], /--latency fixed MS: expected milliseconds/],
    [['--token', 'T', '--latency', 'slow'], /--latency: expected none, fixed:MS/],
    [['--token', 'T', '--latency', 'uniform:50-10'], /--latency: uniform MIN must not exceed MAX/],
    [['--token', 'T', '--latency', 'bimodal:5,200'], /--latency: expected bimodal:FAST,SLOW,FRACTION/],
    [['--token', 'T', '--latency', 'stall:1000/0'], /--latency stall EVERY: expected an integer/],
    [['--token', 'T', '--error-rate', '1.5'], /--error-rate: expected a fraction from 0 to 1/],
    [['--token', 'T', '--error-rate', 'lots'], /--error-rate: /],
    [['--token', 'T', '--bogus'], /Unknown option '--bogus'/],
    [['--token', 'T', '--port'], /--port/],
    [[], /--token: required/],
    [['--token', 'a', '--token-file', 'f'], /give only one/],
    [['--token', 'has space'], /--token: expected a non-empty token/],
  ])('rejects %j', (argv, reason) => {
    expect(usageError(argv).message).toMatch(reason);
  });

  it('never echoes the token', () => {
    expect(usageError(['--token', 'sekrit value']).message).not.toContain('sekrit');
    expect(usageError(['--token', 'sekrit', 'stray']).message).not.toContain('stray');
    expect(usageError([], { GOLIVE_TOKEN: 'sek rit' }).message).toMatch(/^reference-api: GOLIVE_TOKEN: /);
  });
});

describe('dist/reference-api.js', () => {
  it('prints its URL, serves, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/reference-api.js'), '--port', '0', '--token', 't'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = once(child, 'exit');
    try {
      const lines = createInterface({ input: child.stdout });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const [first] = (await once(lines, 'line')) as [string];
      clearTimeout(timer);
      const m = /^reference-api listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(first);
      expect(m, first).not.toBeNull();
      const health = await call(m![1]!, '/health');
      expect(health.json).toMatchObject({ status: 'ok', service: 'gateway' });
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
      clearTimeout(killer);
      expect({ code, signal }).toEqual({ code: 0, signal: null });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 104 with one line on a usage error', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/reference-api.js'), '--token', 't', '--latency', 'fixed:x'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(killer);
    expect(code).toBe(104);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^reference-api: --latency fixed MS: expected milliseconds/);
  });
});
