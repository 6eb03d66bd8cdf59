/**
 * A config says what it read (issue 28): every key the schema has no place
 * for is refused, at any depth, with the nearest known key, before the first
 * request; unknown GOLIVE_* variables too; the run names its config file;
 * --print-config shows the merged plan with its credentials masked.
 */
import { createServer, type Server } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planSchema } from '../src/contract/plan.js';
import { allNodes, objectSchemas, schemaEntries, unknownKeys } from '../src/contract/schema-walk.js';
import { CHECK_FLAG_GROUPS } from '../src/config/check-flags/index.js';
import { unknownEnvLines, KNOWN_ENV_VARS } from '../src/config/env.js';
import { validatePlan } from '../src/config/validate.js';
import { runnerConfig } from '../src/k8s/runner-config.js';
import { GoliveError, describeError, exitCodeFor } from '../src/core/errors.js';
import { ROOT, runCli } from './support/processes.js';

/** The lines a validation error prints, without the `golive: invalid config: ` prefix. */
function problems(raw: Record<string, unknown>, before: readonly string[] = []): string[] {
  let caught: unknown;
  try {
    validatePlan(raw, before);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(GoliveError);
  expect(exitCodeFor(caught)).toBe(104);
  return describeError(caught).split('\n').map((l) => l.replace(/^golive: invalid config: /, ''));
}

const base = { target: 'http://127.0.0.1:1', phases: ['health'] };

describe('the plan schema is strict everywhere', () => {
  it('every object in the schema refuses unknown keys (a new object is covered without a .strict())', () => {
    const objects = objectSchemas(planSchema);
    expect(objects.length).toBeGreaterThan(15);
    // An object that lets unknown keys through (looseObject, passthrough, catchall) opts out of the check.
    const loose = objects.filter((o) => o.def.catchall !== undefined && (o.def.catchall as unknown as { _zod: { def: { type: string } } })._zod.def.type !== 'never');
    expect(loose.map((o) => o.path)).toEqual([]);
    // A node the walker cannot see into (any, unknown, custom, lazy, intersection...) would hide its keys.
    const seeable = new Set(['object', 'array', 'record', 'union', 'optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'pipe', 'transform',
      'string', 'number', 'int', 'boolean', 'enum', 'literal', 'never']);
    // Except the declared checks' JSON payloads: a body, an expected value and a JSON Schema have the user's keys, not ours.
    const opaque = new Set(['checks[].steps[].json', 'checks[].steps[].expect[].equals', 'checks[].steps[].expect[].schema']);
    expect(allNodes(planSchema).filter((n) => !seeable.has(n.type) && !(n.type === 'unknown' && opaque.has(n.path)))).toEqual([]);
    // And the check really finds a key in every object: one unknown key planted in each is reported.
    for (const o of objects.filter((x) => !x.path.includes('[]') && !x.path.includes('<name>'))) {
      const at = o.path === '(root)' ? [] : o.path.split('.');
      const raw: Record<string, unknown> = {};
      let cur = raw;
      for (const k of at) cur = (cur[k] = {}) as Record<string, unknown>;
      if (o.def.shape && 'model' in o.def.shape) cur.model = (o.def.shape.model as unknown as { _zod: { def: { values: string[] } } })._zod.def.values[0];
      if (o.def.shape && 'name' in o.def.shape && o.path === 'profile') cur.name = '2x-baseline';
      cur.zzUnplanned = 1;
      expect(unknownKeys(planSchema, raw).map((u) => [...u.at, u.key].join('.')), o.path).toContain([...at, 'zzUnplanned'].join('.'));
    }
  });

  it('every flag lands on a key of the schema (a flag cannot set what strictness refuses)', () => {
    const paths = new Set(schemaEntries(planSchema).map((e) => e.path));
    for (const g of CHECK_FLAG_GROUPS) for (const f of g.flags) if (f.path) expect(paths, f.flag).toContain(f.path);
  });

  it('the plan a k8s runner reads back from its ConfigMap has no key the schema refuses', () => {
    const plan = validatePlan({
      target: 'http://h', phases: ['load', 'cluster'], profile: { name: '2x-baseline', baselineRps: 10 },
      thresholds: { 'http_reqs{phase:load}': [{ threshold: 'count>1', abortOnFail: true }] },
    });
    expect(unknownKeys(planSchema, JSON.parse(JSON.stringify(runnerConfig(plan))))).toEqual([]);
  });
});

describe('what the repository itself ships and reads', () => {
  it('k8s/golive.config.json has no key the schema refuses', () => {
    const raw = JSON.parse(readFileSync(join(ROOT, 'k8s', 'golive.config.json'), 'utf8')) as unknown;
    expect(unknownKeys(planSchema, raw)).toEqual([]);
  });

  it('every GOLIVE_* variable the sources read from the environment is known (else strictness would refuse it)', () => {
    const read = new Set<string>();
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(ts|mjs|sh)$/.test(e.name)) {
          const re = e.name.endsWith('.sh') ? /\$\{?(GOLIVE_[A-Z0-9_]+)/g : /(?:env\.|env\[['"`])(GOLIVE_[A-Z0-9_]+)/g;
          for (const m of readFileSync(p, 'utf8').matchAll(re)) read.add(m[1] ?? '');
        }
      }
    };
    for (const d of ['src', 'scripts']) walk(join(ROOT, d));
    expect(read.size).toBeGreaterThan(10);
    expect([...read].filter((v) => !KNOWN_ENV_VARS.includes(v)).sort()).toEqual([]);
  });
});

describe('unknown keys, at any depth, one line each with the nearest known key', () => {
  it('names each key by its path and suggests the key meant', () => {
    const lines = problems({
      ...base, bogus: 1, requestTimeoutMS: 5, engin: 'k6',
      load: { treshold: 1, requests: 4, workload: { model: 'open', rate: 5, durationSeconds: 1, maxInFlght: 3 } },
      edge: { certWarnDay: 3 }, saturation: { authSuccess: { success: 'a', total: 'b', mn: 1 } },
      thresholds: { 'http_reqs{phase:health}': [{ threshold: 'count>1', abortOnFial: true }] },
    });
    expect(lines).toEqual(expect.arrayContaining([
      '`bogus`: unknown key',
      '`requestTimeoutMS`: unknown key, did you mean `requestTimeoutMs`?',
      '`engin`: unknown key, did you mean `engine`?',
      '`load.treshold`: unknown key, did you mean `thresholds` (top level)?',
      '`load.requests`: unknown key, did you mean `load.workload.requests`?',
      '`load.workload.maxInFlght`: unknown key, did you mean `load.workload.maxInFlight`?',
      '`edge.certWarnDay`: unknown key, did you mean `edge.certWarnDays`?',
      '`saturation.authSuccess.mn`: unknown key, did you mean `saturation.authSuccess.min`?',
      '`thresholds.http_reqs{phase:health}.0.abortOnFial`: unknown key, did you mean `thresholds.http_reqs{phase:health}.0.abortOnFail`?',
    ]));
    expect(lines).toHaveLength(9);
  });

  it('load.body and load.headers are refused, naming where they will live', () => {
    const lines = problems({ ...base, load: { method: 'POST', body: '{"x":1}', headers: { 'X-A': '1' } } });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe("`load.body`: not supported: a request body belongs to a declared check's step (`checks[].steps[].json`, `body` or `bodyFile`), sent under load by naming the check in `load.mix`");
    expect(lines[1]).toBe("`load.headers`: not supported: request headers belong to a declared check's step (`checks[].steps[].headers`), sent under load by naming the check in `load.mix`");
  });

  it('a misspelt target is reported with the missing target, not instead of it', () => {
    expect(problems({ targt: 'http://h' })).toEqual([
      '`targt`: unknown key, did you mean `target`?',
      expect.stringMatching(/^no target: pass --target URL or set GOLIVE_TARGET/),
    ]);
  });

  it('unknown GOLIVE_* variables are refused; every variable golive reads is known', () => {
    expect(unknownEnvLines({ GOLIVE_TARGTE: 'x', GOLIVE_TOKEN: 't', GOLIVE_XYZZY: '1', PATH: '/bin' })).toEqual([
      'environment variable GOLIVE_TARGTE: unknown to golive, did you mean GOLIVE_TARGET?',
      'environment variable GOLIVE_XYZZY: unknown to golive (see docs/configuration.md)',
    ]);
    expect(problems(base, unknownEnvLines({ GOLIVE_TOKNE: 'x' }))).toEqual(['environment variable GOLIVE_TOKNE: unknown to golive, did you mean GOLIVE_TOKEN?']);
    for (const v of ['GOLIVE_RUN_ID', 'GOLIVE_REPORT_URL', 'GOLIVE_SLACK_WEBHOOK_URL_FILE', 'GOLIVE_PROMETHEUS_PASSWORD_FILE', 'GOLIVE_CACHE_DIR']) expect(KNOWN_ENV_VARS).toContain(v);
  });
});

describe('validation messages in plain English (issue 25)', () => {
  it.each<[Record<string, unknown>, string]>([
    [{ phases: ['health', 'nope'] }, 'phases.1 (--phases): expected one of edge, health, market-data, checks, load, cluster, monitoring, got "nope"'],
    [{ engine: 'jmeter' }, 'engine (--engine): expected one of node, k6, got "jmeter"'],
    [{ requestTimeoutMs: 1.5 }, 'requestTimeoutMs (--timeout): expected a whole number, got 1.5'],
    [{ deadlineSeconds: 'x' }, 'deadlineSeconds (--deadline): expected a number, got "x"'],
    [{ maxBodyBytes: 0 }, 'maxBodyBytes (--max-body-bytes): expected a number more than 0, got 0'],
    [{ phases: [] }, 'phases (--phases): expected at least 1 entry, got an empty list'],
    [{ load: { path: 'health' } }, 'load.path (--endpoint): expected text starting with "/", got "health"'],
    [{ load: { workload: { model: 'clsed' } } }, 'load.workload.model: expected one of closed, open, staged, got "clsed"'],
    [{ marketData: { startDate: '2025-13-01' } }, 'marketData.startDate: expected a date as YYYY-MM-DD, got "2025-13-01"'],
    [{ token: 5 }, 'token: expected text, got a value'],
  ])('%j', (raw, line) => {
    const lines = problems({ ...base, ...raw });
    expect(lines).toEqual([line]);
    expect(lines.join('\n')).not.toMatch(/Invalid|Too small|Too big|received/);
  });

  it('a threshold on a phase that does not exist, or that the run does not run, is refused', () => {
    expect(problems({ ...base, phases: ['health', 'load'], thresholds: { 'http_req_duration{phase:lod}': ['p(95)<1'] } }))
      .toEqual(['threshold http_req_duration{phase:lod} (--threshold): there is no phase "lod", did you mean load?']);
    expect(problems({ ...base, thresholds: { 'http_req_duration{phase:load}': ['p(95)<1'] } }))
      .toEqual(['threshold http_req_duration{phase:load} (--threshold): threshold on load, but --phases runs health; add load to --phases or drop the threshold']);
  });
});

/** Counts every request it gets: the refusals must come before the first one. */
function countingServer(): Promise<{ server: Server; url: string; count: () => number }> {
  let n = 0;
  const server = createServer((req, res) => {
    n++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    resolve({ server, url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`, count: () => n });
  }));
}

describe('the CLI, against a real server on port 0', () => {
  let srv: Awaited<ReturnType<typeof countingServer>> | undefined;
  afterEach(async () => {
    await new Promise((r) => srv?.server.close(r) ?? r(undefined));
    srv = undefined;
  });

  async function inDir(config: unknown): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'golive-strict-'));
    await writeFile(join(dir, 'golive.config.json'), JSON.stringify(config));
    return dir;
  }

  it('refuses unknown keys of a golive.config.json with 104 and sends no request', async () => {
    srv = await countingServer();
    const dir = await inDir({ target: srv.url, load: { method: 'POST', body: '{"x":1}', headers: { 'X-A': '1' }, treshold: 1 }, bogus: 1 });
    const res = await runCli(['check', '--phases', 'health,load', '--requests', '20', '--out', join(dir, 'reports')], { cwd: dir, env: { GOLIVE_TARGTE: 'x' } });
    expect(res.code).toBe(104);
    const lines = res.stderr.trim().split('\n');
    expect(lines[0]).toBe(`golive: config file ${join(dir, 'golive.config.json')} (found in the working directory; --config FILE to choose another)`);
    expect(lines.slice(1)).toEqual([
      'golive: invalid config: environment variable GOLIVE_TARGTE: unknown to golive, did you mean GOLIVE_TARGET?',
      expect.stringMatching(/^golive: invalid config: `load\.body`: not supported/),
      expect.stringMatching(/^golive: invalid config: `load\.headers`: not supported/),
      'golive: invalid config: `load.treshold`: unknown key, did you mean `thresholds` (top level)?',
      'golive: invalid config: `bogus`: unknown key',
    ]);
    expect(res.stdout).toBe('');
    expect(srv.count()).toBe(0);
  });

  it('names the config file in use at the start of a run', async () => {
    srv = await countingServer();
    const dir = await inDir({ target: srv.url, phases: ['health'] });
    const res = await runCli(['check', '--no-color', '--out', join(dir, 'reports')], { cwd: dir });
    expect(res.stderr.split('\n')[0]).toBe(`golive: config file ${join(dir, 'golive.config.json')} (found in the working directory; --config FILE to choose another)`);
    expect(res.code).toBe(0);
    expect(srv.count()).toBeGreaterThan(0);
    const other = join(dir, 'other.json');
    await writeFile(other, JSON.stringify({ target: srv.url, phases: ['health'] }));
    const named = await runCli(['check', '--config', other, '--out', join(dir, 'reports')], { cwd: dir });
    expect(named.stderr.split('\n')[0]).toBe(`golive: config file ${other} (--config)`);
  });

  it('--print-config prints the merged plan with the token and credentials masked, exits 0, sends nothing', async () => {
    srv = await countingServer();
    const dir = await inDir({ target: srv.url, load: { method: 'POST' }, prometheus: { url: 'http://user:pw-SECRET@127.0.0.1:9/?api_key=k-SECRET' } });
    const res = await runCli(['check', '--print-config', '--requests', '7'], {
      cwd: dir, env: { GOLIVE_TOKEN: 'tok-SECRET-123', GOLIVE_PROMETHEUS_PASSWORD: 'pw2-SECRET', GOLIVE_PROMETHEUS_USERNAME: 'me' },
    });
    expect(res.code).toBe(0);
    expect(res.stdout).not.toMatch(/SECRET|pw-|"me"/);
    const doc = JSON.parse(res.stdout) as { configFile: string; plan: Record<string, unknown> & { load: { method: string; workload: { requests: number } }; prometheus: Record<string, string> } };
    expect(doc.configFile).toBe(join(dir, 'golive.config.json'));
    expect(doc.plan.token).toBe('***');
    expect(doc.plan.prometheus.password).toBe('***');
    expect(doc.plan.prometheus.username).toBe('***');
    expect(doc.plan.prometheus.url).toBe('http://127.0.0.1:9/?api_key=***');
    // merged: the file's method, the flag's requests, the schema's defaults
    expect(doc.plan.load.method).toBe('POST');
    expect(doc.plan.load.workload.requests).toBe(7);
    expect(doc.plan.requestTimeoutMs).toBe(10_000);
    expect(srv.count()).toBe(0);
  });

  it('a threshold on a misspelt phase, or on a phase --phases does not run, is 104 before the first request', async () => {
    srv = await countingServer();
    const lod = await runCli(['check', '--target', srv.url, '--phases', 'health,load', '--threshold', 'http_req_duration{phase:lod}=p(95)<1']);
    expect(lod.code).toBe(104);
    expect(lod.stderr).toBe('golive: invalid config: threshold http_req_duration{phase:lod} (--threshold): there is no phase "lod", did you mean load?\n');
    const notRun = await runCli(['check', '--target', srv.url, '--phases', 'health', '--threshold', 'http_req_duration{phase:load}=p(95)<1']);
    expect(notRun.code).toBe(104);
    expect(notRun.stderr).toMatch(/threshold on load, but --phases runs health/);
    expect(srv.count()).toBe(0);
  });

  it('a misspelt flag gets "did you mean"', async () => {
    const res = await runCli(['check', '--requets', '5']);
    expect(res.code).toBe(104);
    expect(res.stderr).toBe('golive: unknown flag --requets, did you mean --requests? (see golive check --help)\n');
    const cmp = await runCli(['compare', 'a.json', 'b.json', '--max-regresion', 'none']);
    expect(cmp.stderr).toBe('golive: unknown flag --max-regresion, did you mean --max-regression? (see golive compare --help)\n');
  });
});
