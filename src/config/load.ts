/**
 * Resolves the Plan for `golive check`: defaults < config file < env < flags.
 * File reads happen here; merging and validation are pure (merge.ts, validate.ts).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GoliveError, firstLine } from '../core/errors.js';
import { envConfig, unknownEnvLines } from './env.js';
import type { CheckFlags } from './flags.js';
import { mergeRaw } from './merge.js';
import type { RawConfig } from './merge.js';
import type { Plan } from '../contract/plan.js';
import { validateDeclared, validatePlan } from './validate.js';

export const CONFIG_FILES = ['golive.config.ts', 'golive.config.mjs', 'golive.config.js', 'golive.config.json', 'golive.config.yaml', 'golive.config.yml'];

const isObject = (v: unknown): v is RawConfig => typeof v === 'object' && v !== null && !Array.isArray(v);

async function importModule(file: string): Promise<unknown> {
  if (extname(file) !== '.ts') return ((await import(pathToFileURL(file).href)) as { default?: unknown }).default;
  // TypeScript config: strip types with esbuild, then import the result. The
  // output goes next to the config so its package imports resolve from the
  // user's node_modules; a read-only directory falls back to the temp dir.
  const { build } = await import('esbuild');
  const dir = await mkdtemp(join(dirname(file), '.golive-config-')).catch(() => mkdtemp(join(tmpdir(), 'golive-config-')));
  try {
    const out = join(dir, 'config.mjs');
    await build({ entryPoints: [file], outfile: out, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent' });
    return ((await import(pathToFileURL(out).href)) as { default?: unknown }).default;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function readConfigFile(file: string): Promise<RawConfig> {
  let value: unknown;
  try {
    const ext = extname(file);
    value = ext === '.json' ? JSON.parse(await readFile(file, 'utf8'))
      : ext === '.yaml' || ext === '.yml' ? (await import('yaml')).parse(await readFile(file, 'utf8'), { prettyErrors: false }) as unknown
      : await importModule(file);
  } catch (err) {
    const msg = firstLine(err);
    throw new GoliveError('GOLIVE_INVALID_CONFIG', `config file ${file}: ${msg}`);
  }
  if (!isObject(value)) throw new GoliveError('GOLIVE_INVALID_CONFIG', `config file ${file}: expected an object (a default export for .ts/.js)`);
  return withBodyFiles(value, dirname(file));
}

/** A step's `bodyFile`, read relative to the config file, becomes its `body`. */
async function withBodyFiles(config: RawConfig, dir: string): Promise<RawConfig> {
  const checks = config.checks;
  if (!Array.isArray(checks)) return config;
  const out = await Promise.all(checks.map(async (c: unknown, ci) => {
    if (!isObject(c) || !Array.isArray(c.steps)) return c;
    const steps = await Promise.all(c.steps.map(async (s: unknown, si) => {
      if (!isObject(s) || typeof s.bodyFile !== 'string') return s;
      const { bodyFile, ...rest } = s;
      if (rest.body !== undefined || rest.json !== undefined) return s;
      try {
        return { ...rest, body: await readFile(resolve(dir, bodyFile), 'utf8') };
      } catch (err) {
        throw new GoliveError('GOLIVE_INVALID_CONFIG', `invalid config: checks[${ci}].steps[${si}].bodyFile: cannot read ${bodyFile}: ${firstLine(err)}`);
      }
    }));
    return { ...c, steps };
  }));
  return { ...config, checks: out };
}

async function readSecretFile(file: string, what: string): Promise<string> {
  try {
    const v = (await readFile(file, 'utf8')).trim();
    if (v === '') throw new Error('file is empty');
    return v;
  } catch (err) {
    const msg = firstLine(err);
    throw new GoliveError('GOLIVE_INVALID_CONFIG', `${what} ${file}: ${msg}`);
  }
}

export interface ResolvedPlan {
  plan: Plan;
  /** PEM read from plan.caFile, if any */
  ca?: string;
  configFile?: string;
}

/**
 * `log` gets the one line naming the config file in use, as soon as it is
 * known (before its problems, if any): a file found in the working directory
 * changes the run, so the run says so.
 */
export async function resolvePlan(flags: CheckFlags, env: Readonly<Record<string, string | undefined>>, cwd: string, extra: RawConfig = {}, log?: (line: string) => void): Promise<ResolvedPlan> {
  const configFile = flags.configFile
    ? resolve(cwd, flags.configFile)
    : CONFIG_FILES.map((f) => join(cwd, f)).find((f) => existsSync(f));
  if (flags.configFile && configFile && !existsSync(configFile)) {
    throw new GoliveError('GOLIVE_INVALID_CONFIG', `--config: file not found: ${flags.configFile}`);
  }
  if (configFile) log?.(`config file ${configFile} (${flags.configFile ? '--config' : 'found in the working directory; --config FILE to choose another'})`);
  const fromFile = configFile ? await readConfigFile(configFile) : {};
  const tokenFile = flags.tokenFile ?? env.GOLIVE_TOKEN_FILE;
  const token = tokenFile ? { token: await readSecretFile(resolve(cwd, tokenFile), flags.tokenFile ? '--token-file' : 'GOLIVE_TOKEN_FILE') } : {};
  // Prometheus credentials may come from files (Kubernetes Secret volumes) as well as env.
  const promSecrets: Record<string, string> = {};
  for (const [key, name] of [['username', 'GOLIVE_PROMETHEUS_USERNAME_FILE'], ['password', 'GOLIVE_PROMETHEUS_PASSWORD_FILE'], ['bearerToken', 'GOLIVE_PROMETHEUS_BEARER_TOKEN_FILE']] as const) {
    const f = env[name];
    if (f) promSecrets[key] = await readSecretFile(resolve(cwd, f), name);
  }
  const secrets = Object.keys(promSecrets).length > 0 ? { prometheus: promSecrets } : {};
  const raw = mergeRaw(extra, fromFile, envConfig(env), secrets, token, flags.raw);
  let plan = validatePlan(raw, unknownEnvLines(env));
  // The profile's baseline from Prometheus, before the first request to the target.
  const query = plan.profile?.baselineQuery;
  if (query !== undefined && plan.profile?.baselineRps === undefined) {
    const { queryBaseline } = await import('./baseline-query.js');
    plan = validatePlan(mergeRaw(raw, { profile: { baselineRps: await queryBaseline(plan, query) } }));
  }
  validateDeclared(plan, env);
  const ca = plan.caFile ? await readSecretFile(resolve(cwd, plan.caFile), '--ca-file') : undefined;
  return { plan, ...(ca ? { ca } : {}), ...(configFile ? { configFile } : {}) };
}
