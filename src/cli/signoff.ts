/**
 * `golive signoff`: every input resolved and checked first (one 104 line
 * naming the flag, before any query), then the sign-off, its files and its
 * exit code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseArgsMessage } from '../config/flags.js';
import { readConfigFile } from '../config/load.js';
import { DEFAULT_PHASES } from '../contract/plan.js';
import { GoliveError } from '../core/errors.js';
import { PHASES } from '../core/result.js';
import { resolveNotify, secretFromEnv } from '../notify/config.js';
import { readSummary } from '../reporters/read-summary.js';
import { runbookCriteria, selector, type Criterion } from '../signoff/criteria.js';
import { capacityFromSummary } from '../signoff/eval-capacity.js';
import { SIGN_OFF_ROLES, parseSignoffConfig } from '../signoff/config.js';
import { readSloFile } from '../signoff/openslo.js';
import { promReader } from '../signoff/prom.js';
import { DEFAULT_STALE_AFTER_S } from '../signoff/queries.js';
import { renderConsole } from '../signoff/render-text.js';
import { runSignoff } from '../signoff/run.js';
import { parseCompare } from '../phases/saturation/queries.js';
import { lastWindow, parseDuration, resolveWindow } from '../signoff/window.js';
import { useColor, type CliIO } from './io.js';
import { SIGNOFF_HELP } from './signoff-help.js';

const OPTIONS = {
  'prometheus-url': { type: 'string' }, since: { type: 'string' }, last: { type: 'string' }, window: { type: 'string' }, by: { type: 'string' },
  job: { type: 'string' }, environment: { type: 'string' }, checks: { type: 'string' }, 'stale-after': { type: 'string' },
  'capacity-summary': { type: 'string' }, slo: { type: 'string' }, config: { type: 'string' }, out: { type: 'string' },
  notify: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' }, 'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const usage = (msg: string) => new GoliveError('GOLIVE_USAGE', msg);

function httpUrl(flag: string, v: string): string {
  let u: URL | undefined;
  try { u = new URL(v); } catch { u = undefined; }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) throw usage(`${flag}: expected an http(s) URL, e.g. http://prometheus:9090`);
  return v;
}

function checksFlag(v: string | undefined, fromConfig: readonly string[] | undefined): string[] {
  if (v === undefined) return [...(fromConfig ?? DEFAULT_PHASES)];
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.find((c) => !(PHASES as readonly string[]).includes(c));
  if (list.length === 0 || bad !== undefined) throw usage(`--checks: expected a comma-separated list of ${PHASES.join(', ')}${bad ? `, got "${bad}"` : ''}`);
  return [...new Set(list)];
}

function timeoutMs(v: string | undefined): number {
  if (v === undefined) return 30_000;
  const m = /^(\d+)(s|m)$/.exec(v.trim());
  const ms = m ? Number(m[1]) * (m[2] === 'm' ? 60_000 : 1000) : NaN;
  if (!(ms >= 1000 && ms <= 600_000)) throw usage(`--timeout: expected 1s to 10m, e.g. 30s, got "${v}"`);
  return ms;
}

export async function signoffCommand(argv: readonly string[], io: CliIO): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw usage(`${parseArgsMessage(err)} (see golive signoff --help)`);
  }
  if (values.help) {
    io.stdout.write(SIGNOFF_HELP);
    return 0;
  }
  const env = io.env;
  const configFile = values.config !== undefined ? resolve(io.cwd, values.config) : undefined;
  if (configFile && !existsSync(configFile)) throw usage(`--config: ${values.config} not found`);
  const raw = configFile ? await readConfigFile(configFile) : {};
  const config = parseSignoffConfig(raw.signoff, values.config ?? '');
  // The run's own config says where its Prometheus is and which environment it pushed as.
  const fromConfig = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const url = values['prometheus-url'] ?? (env.GOLIVE_PROMETHEUS_URL || undefined) ?? fromConfig((raw.prometheus as { url?: unknown } | undefined)?.url);
  if (url === undefined) throw usage('--prometheus-url: required (or GOLIVE_PROMETHEUS_URL): the Prometheus that recorded the launch');
  const prometheusUrl = httpUrl('--prometheus-url', url);
  if (values.last !== undefined && (values.since !== undefined || values.window !== undefined)) throw usage('--last: instead of --since and --window, not with them');
  const span = values.last !== undefined ? lastWindow(values.last, Date.now()) : undefined;
  const since = span?.since ?? values.since;
  if (since === undefined) throw usage('--since: required, the start of the window, e.g. --since 2026-09-03T09:00Z (or --last 7d)');
  const window = resolveWindow(since, span?.window ?? values.window ?? '24h', values.by, Date.now());
  const job = values.job ?? 'golive';
  if (job.trim() === '') throw usage('--job: expected a name');
  const environment = values.environment ?? (env.GOLIVE_ENVIRONMENT || undefined) ?? fromConfig(raw.environment);
  const staleAfterS = values['stale-after'] !== undefined ? parseDuration('--stale-after', values['stale-after']) : undefined;
  const sel = selector({ job, ...(environment ? { environment } : {}) });
  const checks = checksFlag(values.checks, config.checks);
  let criteria: Criterion[];
  let source = 'the runbook\'s Launch Success Criteria';
  if (values.slo !== undefined) {
    criteria = await readSloFile(resolve(io.cwd, values.slo), values.slo);
    source = `OpenSLO ${values.slo}`;
  } else criteria = runbookCriteria(sel, checks);
  for (const q of config.queries) criteria.push({ kind: 'query', id: `query:${q.name}`, name: q.name, promql: q.promql, ...parseCompare(q.threshold), unit: q.unit });
  let capacitySummary;
  if (values['capacity-summary'] !== undefined) {
    const file = values['capacity-summary'];
    capacitySummary = capacityFromSummary(await readSummary(resolve(io.cwd, file), '--capacity-summary'), file);
    if (!capacitySummary) throw usage(`--capacity-summary: ${file} has no 2x-stage thresholds (was it a golive check --profile 2x-baseline run?)`);
  }
  const kinds = values.notify?.split(',').map((s) => s.trim()).filter(Boolean);
  if (kinds?.includes('pagerduty')) throw usage('--notify: the sign-off posts to slack or webhook, not pagerduty');
  // The sign-off always posts when asked to: it is not a recurring run that could spam.
  const notify = kinds?.length ? resolveNotify(kinds, 'always', env) : undefined;
  const perQueryMs = timeoutMs(values.timeout);
  const read = (p: string) => (secretFromEnv(env, p, (f) => readFileSync(f, 'utf8')));
  const credentials = {
    username: read('GOLIVE_PROMETHEUS_USERNAME'), password: read('GOLIVE_PROMETHEUS_PASSWORD'), bearerToken: read('GOLIVE_PROMETHEUS_BEARER_TOKEN'),
  };
  const { report, lines } = await runSignoff({
    reader: promReader({ baseUrl: prometheusUrl, credentials, timeoutMs: perQueryMs, signal: io.signal }),
    prometheusUrl, window, sel, capacitySel: environment ? `environment=${JSON.stringify(environment)}` : '', staleAfterS: staleAfterS ?? config.staleAfterSeconds ?? DEFAULT_STALE_AFTER_S, criteria, source,
    ...(capacitySummary ? { capacitySummary } : {}),
    signOff: config.signOff ?? SIGN_OFF_ROLES.map((role) => ({ role, name: '', date: '' })),
    outDir: resolve(io.cwd, values.out ?? 'reports'),
    ...(env.GITHUB_STEP_SUMMARY ? { githubStepSummary: env.GITHUB_STEP_SUMMARY } : {}),
    ...(notify ? { notify } : {}),
    nowMs: () => Date.now(), clock: io.clock, timeoutMs: perQueryMs,
  });
  io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderConsole(report, { color: useColor(values['no-color'] === true, io), width: io.stdout.columns }));
  for (const l of lines) io.stderr.write(`${l}\n`);
  return report.exitCode;
}
