import { describe, expect, it } from 'vitest';
import { ENV_VARS, envConfig } from '../src/config/env.js';
import { CHECK_OPTIONS, FLAG_FOR_PATH, parseCheckFlags, parseThresholdFlags } from '../src/config/flags.js';
import { CHECK_FLAG_GROUPS } from '../src/config/check-flags/index.js';
import { CHECK_HELP } from '../src/cli/help.js';
import { mergeRaw } from '../src/config/merge.js';
import type { RawConfig } from '../src/config/merge.js';
import { DEMO_HINT, validatePlan } from '../src/config/validate.js';
import { GoliveError, exitCodeFor } from '../src/core/errors.js';
import type { ErrorCode } from '../src/core/errors.js';
import { parseK8sFlags } from '../src/k8s/cli-flags.js';

/** The GoliveError a call throws; asserts code, exit code 104 and a single line. */
function failure(fn: () => unknown, code: ErrorCode): string {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(GoliveError);
  const err = caught as GoliveError;
  expect(err.code).toBe(code);
  expect(exitCodeFor(err)).toBe(104);
  expect(err.message).not.toContain('\n');
  return err.message;
}

describe('parseCheckFlags', () => {
  it.each<[string[], RawConfig]>([
    [[], {}],
    [['--target', 'http://127.0.0.1:1'], { target: 'http://127.0.0.1:1' }],
    [['--target=http://h'], { target: 'http://h' }],
    [['--phases', 'health, load,,'], { phases: ['health', 'load'] }],
    [['--engine', 'k6', '--out', 'r', '--json'], { engine: 'k6', out: 'r', json: true }],
    [['--timeout', '2500', '--deadline', ' 60 '], { requestTimeoutMs: 2500, deadlineSeconds: 60 }],
    [['--environment', 'prod', '--testid', 't1'], { environment: 'prod', testid: 't1' }],
    [['--endpoint', '/api/v1/data/health'], { load: { path: '/api/v1/data/health' } }],
    [['--requests', '50'], { load: { workload: { model: 'closed', requests: 50 } } }],
    [['--concurrency', '4'], { load: { workload: { model: 'closed', concurrency: 4 } } }],
    [['--rate', '20', '--duration', '5'], { load: { workload: { model: 'open', rate: 20, durationSeconds: 5 } } }],
    [['--rate', '20', '--duration', '5', '--max-in-flight', '7'],
      { load: { workload: { model: 'open', rate: 20, durationSeconds: 5, maxInFlight: 7 } } }],
    [['--stages', '30s:50,1m30s:100, 500ms:100:2x', '--max-in-flight', '9', '--max-schedule-lag', '20'],
      { load: { maxScheduleLagMs: 20, workload: { model: 'staged', maxInFlight: 9, stages: [{ durationSeconds: 30, target: 50 }, { durationSeconds: 90, target: 100 }, { durationSeconds: 0.5, target: 100, name: '2x' }] } } }],
    [['--stages', '10:5'], { load: { workload: { model: 'staged', stages: [{ durationSeconds: 10, target: 5 }] } } }],
    [['--ca-file', 'ca.pem'], { caFile: 'ca.pem' }],
    [['--namespace', 'ns', '--kubeconfig', 'kc'], { cluster: { namespace: 'ns', kubeconfig: 'kc' } }],
    [['--prometheus-rw-url', 'http://p/rw', '--prometheus-native-histograms', '--pushgateway-url', 'http://pg',
      '--prometheus-url', 'http://p', '--grafana-url', 'http://g', '--prometheus-targets', 'up{job="x"}'],
    { prometheus: { remoteWriteUrl: 'http://p/rw', nativeHistograms: true, pushgatewayUrl: 'http://pg', url: 'http://p', grafanaUrl: 'http://g', targetsSelector: 'up{job="x"}' } }],
    [['--threshold', 'http_req_duration{phase:load}=p(99)<800', '--threshold', 'http_req_duration{phase:load}=avg<200', '--threshold', 'checks=rate>0.9'],
      { thresholds: { 'http_req_duration{phase:load}': ['p(99)<800', 'avg<200'], checks: ['rate>0.9'] } }],
  ])('%j', (argv, raw) => {
    expect(parseCheckFlags(argv).raw).toEqual(raw);
  });

  it('separates the non-plan flags', () => {
    expect(parseCheckFlags(['--config', 'c.ts', '--token-file', 't', '--segment', '1/3', '--emit-result', '--no-color', '-h']))
      .toEqual({ raw: {}, configFile: 'c.ts', tokenFile: 't', segment: '1/3', emitResult: true, noColor: true, help: true, printConfig: false, wide: false, quiet: false });
    expect(parseCheckFlags([])).toEqual({ raw: {}, emitResult: false, noColor: false, help: false, printConfig: false, wide: false, quiet: false });
  });

  it.each<[string[], RegExp]>([
    [['--requests', 'many'], /^--requests: expected a number, got "many"/],
    [['--concurrency', ''], /^--concurrency: expected a number/],
    [['--rate', 'Infinity', '--duration', '1'], /^--rate: expected a number/],
    [['--timeout', '1s'], /^--timeout: expected a number, got "1s"/],
    [['--rate', '5', '--requests', '10'], /cannot be combined/],
    [['--duration', '5', '--concurrency', '10'], /cannot be combined/],
    [['--stages', '30s'], /^--stages: expected DURATION:RATE\[:NAME\],\.\.\. e\.g\. 30s:50,60s:100,30s:100:2x, got "30s"/],
    [['--stages', '30x:5'], /^--stages: .*got "30x:5"/],
    [['--stages', '30s:5,,'], /^--stages: /],
    [['--stages', '30s:5:a:b'], /^--stages: .*got "30s:5:a:b"/],
    [['--stages', '30s:5', '--rate', '5'], /^--stages cannot be combined/],
    [['--stages', '30s:5', '--requests', '5'], /^--stages cannot be combined/],
    [['--bogus'], /^unknown flag --bogus/],
    [['--target'], /^--target: expected a value/],
    [['--target', '--json'], /^--target: the value starts with '-'; write --target=VALUE/],
    [['--threshold', 'p(95)<500'], /^--threshold: expected METRIC=EXPRESSION/],
    [['--threshold', 'http_reqs='], /^--threshold: expected METRIC=EXPRESSION/],
    [['--threshold', '=count>1'], /^--threshold: expected METRIC=EXPRESSION/],
    [['positional'], /positional/],
  ])('%j is a usage error', (argv, msg) => {
    const m = failure(() => parseCheckFlags(argv), 'GOLIVE_USAGE');
    expect(m).toMatch(msg);
    expect(m).toMatch(/see golive check --help/);
  });

  it.each<[string[], RegExp]>([
    [['render', '--bogus'], /^unknown flag --bogus/],
    [['render', '--image'], /^--image: expected a value/],
    [['render', '--target', '--json'], /^--target: the value starts with '-'; write --target=VALUE/],
    [['run', '--runner-memory', '512'], /^--runner-memory: expected a memory quantity such as 512Mi or 1Gi, got "512"/],
    [['run', '--runner-memory', '1 Gi'], /^--runner-memory: expected a memory quantity/],
  ])('golive k8s %j words flag errors as golive check does', (argv, msg) => {
    const m = failure(() => parseK8sFlags(argv), 'GOLIVE_USAGE');
    expect(m).toMatch(msg);
    expect(m).toMatch(/see golive k8s --help/);
  });

  it('refuses --token without echoing the secret', () => {
    const m = failure(() => parseCheckFlags(['--token', 's3cr3t-value']), 'GOLIVE_USAGE');
    expect(m).toMatch(/GOLIVE_TOKEN/);
    expect(m).not.toContain('s3cr3t-value');
  });

  it('every flag-named path is a real option', () => {
    for (const flag of Object.values(FLAG_FOR_PATH)) expect(CHECK_OPTIONS).toHaveProperty(flag.slice(2));
  });

  it('the flag table names the flag of every plan field a flag sets (the hand-kept map missed five)', () => {
    for (const g of CHECK_FLAG_GROUPS) for (const f of g.flags) if (f.path) expect(FLAG_FOR_PATH[f.path]).toBe(`--${f.flag}`);
    expect(FLAG_FOR_PATH).toMatchObject({
      json: '--json', environment: '--environment', testid: '--testid', caFile: '--ca-file',
      'prometheus.nativeHistograms': '--prometheus-native-histograms', 'cluster.kubeconfig': '--kubeconfig',
    });
  });

  it('the help lists every documented flag of the table, once, under its group', () => {
    for (const g of CHECK_FLAG_GROUPS) {
      expect(CHECK_HELP).toContain(`${g.title}:`);
      for (const f of g.flags.filter((x) => x.help !== undefined)) {
        expect(CHECK_HELP.match(new RegExp(`^  --${f.flag}(?= |$)`, 'gm'))).toHaveLength(1);
      }
    }
    expect(CHECK_HELP).not.toMatch(/^  --token /m);
  });
});

describe('parseThresholdFlags', () => {
  it.each<[string[], Record<string, string[]>]>([
    [[], {}],
    [['a=b'], { a: ['b'] }],
    [[' http_req_failed{phase:load} = rate<0.05 '], { 'http_req_failed{phase:load}': ['rate<0.05'] }],
    [['x{a:1,b:2}=count==0', 'x{a:1,b:2}=count<1'], { 'x{a:1,b:2}': ['count==0', 'count<1'] }],
    [['m=p(95)<500=bad'], { m: ['p(95)<500=bad'] }],
  ])('%j', (values, out) => {
    expect(parseThresholdFlags(values)).toEqual(out);
  });
});

describe('mergeRaw', () => {
  it.each<[string, RawConfig[], RawConfig]>([
    ['nothing', [], {}],
    ['later wins', [{ a: 1 }, { a: 2 }], { a: 2 }],
    ['undefined does not erase', [{ a: 1 }, { a: undefined }], { a: 1 }],
    ['deep', [{ p: { x: 1, y: 1 } }, { p: { y: 2, z: 3 } }], { p: { x: 1, y: 2, z: 3 } }],
    ['arrays are replaced', [{ phases: ['health', 'load'] }, { phases: ['load'] }], { phases: ['load'] }],
    ['object over scalar', [{ a: 1 }, { a: { b: 1 } }], { a: { b: 1 } }],
    ['null is a value', [{ a: { b: 1 } }, { a: null }], { a: null }],
    ['same model merges deeply',
      [{ load: { workload: { model: 'closed', requests: 10, concurrency: 2 } } }, { load: { workload: { model: 'closed', requests: 50 } } }],
      { load: { workload: { model: 'closed', requests: 50, concurrency: 2 } } }],
    ['no model in the later layer merges deeply',
      [{ load: { workload: { model: 'open', rate: 5, durationSeconds: 9 } } }, { load: { workload: { rate: 8 } } }],
      { load: { workload: { model: 'open', rate: 8, durationSeconds: 9 } } }],
    ['a model switch replaces the workload wholesale',
      [{ load: { path: '/x', workload: { model: 'closed', requests: 10, concurrency: 2 } } }, { load: { workload: { model: 'open', rate: 5, durationSeconds: 1 } } }],
      { load: { path: '/x', workload: { model: 'open', rate: 5, durationSeconds: 1 } } }],
  ])('%s', (_name, layers, out) => {
    expect(mergeRaw(...layers)).toEqual(out);
  });

  it('does not mutate its inputs', () => {
    const a = { p: { x: 1 } };
    const b = { p: { y: 2 } };
    mergeRaw(a, b);
    mergeRaw(mergeRaw(a), b);
    expect(a).toEqual({ p: { x: 1 } });
    expect(b).toEqual({ p: { y: 2 } });
  });
});

describe('envConfig', () => {
  it('maps every variable and ignores empty ones', () => {
    expect(envConfig({
      GOLIVE_TARGET: 'http://t', GOLIVE_TOKEN: 'tok', GOLIVE_ENVIRONMENT: 'prod',
      GOLIVE_PROMETHEUS_RW_URL: 'http://rw', GOLIVE_PUSHGATEWAY_URL: 'http://pg', GOLIVE_PROMETHEUS_URL: 'http://p',
      GOLIVE_PROMETHEUS_USERNAME: 'u', GOLIVE_PROMETHEUS_PASSWORD: 'pw', GOLIVE_PROMETHEUS_BEARER_TOKEN: 'bt',
      UNRELATED: 'x',
    })).toEqual({
      target: 'http://t', token: 'tok', environment: 'prod',
      prometheus: { remoteWriteUrl: 'http://rw', pushgatewayUrl: 'http://pg', url: 'http://p', username: 'u', password: 'pw', bearerToken: 'bt' },
    });
  });

  it('an empty or unset environment contributes nothing after merging', () => {
    expect(mergeRaw(envConfig({}))).toEqual({ prometheus: {} });
    expect(mergeRaw({ target: 'http://file' }, envConfig({ GOLIVE_TARGET: '', GOLIVE_TOKEN: '' }))).toEqual({ target: 'http://file', prometheus: {} });
  });

  it('documents every variable it reads', () => {
    const all = Object.fromEntries(Object.keys(ENV_VARS).map((k) => [k, `v-${k}`]));
    const values = JSON.stringify(envConfig(all));
    for (const k of Object.keys(ENV_VARS)) {
      if (k === 'GOLIVE_TOKEN_FILE') continue; // read by load.ts, it is a path not a value
      expect(values, k).toContain(`v-${k}`);
    }
  });
});

describe('validatePlan', () => {
  const base = { target: 'http://127.0.0.1:8080', phases: ['health', 'load'] };

  it('fills the runbook defaults', () => {
    const plan = validatePlan({ target: 'http://127.0.0.1:8080', token: 't' });
    expect(plan).toMatchObject({
      engine: 'node', phases: ['health', 'market-data', 'load'], out: 'reports', json: false,
      requestTimeoutMs: 10_000, deadlineSeconds: 900,
      health: { endpoints: ['/health', '/api/v1/data/health'], maxResponseMs: 500 },
      load: { path: '/health', method: 'GET', workload: { model: 'closed', requests: 1000, concurrency: 10 } },
      thresholds: {}, rollback: { maxP95Ms: 5000 },
    });
  });

  it('fills open-model defaults', () => {
    const plan = validatePlan({ ...base, load: { workload: { model: 'open', rate: 10, durationSeconds: 2 } } });
    expect(plan.load.workload).toEqual({ model: 'open', rate: 10, durationSeconds: 2, maxInFlight: 1000 });
  });

  it('no target: names the flag, the env var and the demo', () => {
    const m = failure(() => validatePlan({ phases: ['health'] }), 'GOLIVE_MISSING_TARGET');
    expect(m).toContain('--target');
    expect(m).toContain('GOLIVE_TARGET');
    expect(m).toContain(DEMO_HINT);
  });

  it.each<[RawConfig, string[]]>([
    [{ target: 'ftp://x' }, ['target (--target): expected an http(s) URL']],
    [{ target: 'not a url' }, ['target (--target): expected an http(s) URL']],
    [{ phases: ['health', 'nope'] }, ['phases.1 (--phases): ']],
    [{ phases: [] }, ['phases (--phases): ']],
    [{ engine: 'jmeter' }, ['engine (--engine): ']],
    [{ requestTimeoutMs: 1.5 }, ['requestTimeoutMs (--timeout): ']],
    [{ deadlineSeconds: 0 }, ['deadlineSeconds (--deadline): ']],
    [{ load: { workload: { model: 'closed', requests: 0 } } }, ['load.workload.requests (--requests): ']],
    [{ load: { workload: { model: 'open' } } }, ['load.workload.rate (--rate): ', 'load.workload.durationSeconds (--duration): ']],
    [{ load: { path: 'health' } }, ['load.path (--endpoint): ']],
    [{ load: { workload: { model: 'staged', stages: [] } } }, ['load.workload.stages (--stages): ']],
    [{ load: { workload: { model: 'staged', stages: [{ durationSeconds: 0, target: 5 }] } } }, ['load.workload.stages (--stages): expected stages that last longer than 0 s']],
    [{ load: { workload: { model: 'staged', stages: [{ durationSeconds: 1, target: -1 }] } } }, ['load.workload.stages.0.target (--stages): ']],
    [{ load: { workload: { model: 'staged', stages: [{ durationSeconds: 1, target: 1, name: '3' }] } } }, ['load.workload.stages.0.name (--stages): expected a name that is not a number']],
    [{ load: { workload: { model: 'staged', stages: [{ durationSeconds: 1, target: 1, name: 'a' }, { durationSeconds: 1, target: 1, name: 'a' }] } } }, ['load.workload.stages (--stages): expected distinct stage names']],
    [{ load: { maxScheduleLagMs: 0 } }, ['load.maxScheduleLagMs (--max-schedule-lag): ']],
    [{ prometheus: { pushgatewayUrl: 'pg:9091' } }, ['prometheus.pushgatewayUrl (--pushgateway-url): expected an http(s) URL']],
    [{ marketData: { startDate: '2025-13-01' } }, ['marketData.startDate: ']],
    [{ thresholds: { http_reqs: [] } }, ['thresholds.http_reqs (--threshold): ']],
    // every problem at once
    [{ target: 'ftp://x', engine: 'jmeter', deadlineSeconds: -1 }, ['target (--target)', 'engine (--engine)', 'deadlineSeconds (--deadline)']],
  ])('%j is reported with its path and flag', (raw, parts) => {
    const m = failure(() => validatePlan({ ...base, ...raw }), 'GOLIVE_INVALID_CONFIG');
    expect(m).toMatch(/^invalid config: /);
    for (const p of parts) expect(m).toContain(p);
    expect(m.split('; ')).toHaveLength(parts.length);
  });

  it('market-data needs a token; other phases do not', () => {
    const m = failure(() => validatePlan({ target: 'http://h' }), 'GOLIVE_MISSING_TOKEN');
    expect(m).toMatch(/GOLIVE_TOKEN.*--token-file/);
    expect(validatePlan({ ...base }).token).toBeUndefined();
    expect(validatePlan({ target: 'http://h', phases: ['market-data'], token: 'x' }).token).toBe('x');
  });

  it('a bad threshold is a config error before anything runs', () => {
    const m = failure(() => validatePlan({ ...base, thresholds: { http_req_duration: ['p95<500'] } }), 'GOLIVE_INVALID_CONFIG');
    expect(m).toContain('p95');
  });

  it('a threshold aggregation that does not fit the metric type is a config error', () => {
    failure(() => validatePlan({ ...base, thresholds: { http_req_failed: ['p(95)<1'] } }), 'GOLIVE_INVALID_CONFIG');
  });

  it('credentials never appear in validation errors', () => {
    const m = failure(() => validatePlan({
      ...base, token: 'tok-SECRET', target: 'gopher://x',
      prometheus: { password: 'pw-SECRET', bearerToken: 'bt-SECRET', url: 'nope' },
    }), 'GOLIVE_INVALID_CONFIG');
    expect(m).not.toMatch(/SECRET/);
  });

  it('flags override a file-like layer end to end', () => {
    const file = { target: 'http://file', load: { workload: { model: 'closed', requests: 10, concurrency: 3 } } };
    const flags = parseCheckFlags(['--requests', '20', '--phases', 'load']).raw;
    const plan = validatePlan(mergeRaw(file, envConfig({ GOLIVE_TARGET: 'http://env' }), flags));
    expect(plan.target).toBe('http://env');
    expect(plan.phases).toEqual(['load']);
    expect(plan.load.workload).toEqual({ model: 'closed', requests: 20, concurrency: 3 });
  });
});
