/**
 * CLI flags of `npm run reference-api`. Pure apart from reading --token-file
 * (injectable); every problem is one GOLIVE_USAGE line naming the flag.
 * The token's value never appears in an error.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { GoliveError, firstLine } from '../core/errors.js';
import type { LatencySpec } from './faults.js';
import type { ReferenceApiOptions } from './server.js';

export const REFERENCE_API_USAGE = `usage: npm run reference-api -- --token T | --token-file F [options]
  --port P                 listen port (default 0: a free port)
  --host H                 listen address (default 127.0.0.1)
  --token T                bearer token for POST /api/v1/data/market and the password of user golive at
                           POST /api/v1/auth/login (or --token-file F, or env GOLIVE_TOKEN)
  --latency SPEC           none | fixed:MS | uniform:MIN-MAX | bimodal:FAST,SLOW,FRACTION | stall:MS/EVERY[,BASE]
  --error-rate FRACTION    answer 500 to exactly that fraction of requests, evenly spread (0..1);
                           the first failure is request ceil(1/FRACTION) unless --seed shifts it
  --saturate RPS           capacity: once more than RPS requests arrived in the last second, each
                           response waits 1000 ms more per 100 % of overload (2x RPS: +1 s)
  --seed N                 shifts which requests fail; seeds the uniform latency draws
  --tls-cert FILE          serve HTTPS with this certificate chain (PEM; with --tls-key FILE)
  --tls-key FILE           the certificate's private key (PEM)
  --http-redirect-port P   also listen on P over plain HTTP, answering 301 to the HTTPS site
  --hsts MAX_AGE           send Strict-Transport-Security: max-age=MAX_AGE; includeSubDomains
  --down                   health endpoints answer 503
  --bad-schema             market data in the wrong shape
  --help                   this text`;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  token: { type: 'string' },
  'token-file': { type: 'string' },
  latency: { type: 'string' },
  'error-rate': { type: 'string' },
  seed: { type: 'string' },
  saturate: { type: 'string' },
  down: { type: 'boolean' },
  'bad-schema': { type: 'boolean' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'http-redirect-port': { type: 'string' },
  hsts: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const MAX_MS = 600_000;

export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

export function parseReferenceApiArgs(
  argv: string[],
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): ReferenceApiOptions {
  let values: { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    // A stray positional could be a fragment of a secret (`--token a b`), so it is not quoted back.
    const code = (err as NodeJS.ErrnoException).code;
    const msg =
      code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
        ? 'unexpected positional argument'
        : firstLine(err);
    throw new GoliveError('GOLIVE_USAGE', `reference-api: ${msg} (see --help)`);
  }

  const opts: ReferenceApiOptions = { token: resolveToken(values.token, values['token-file'], env, readFile) };
  if (values.port !== undefined) opts.port = parseIntIn('--port', values.port, 0, 65_535);
  if (values.host !== undefined) {
    if (values.host.trim() === '') throw usage('--host: expected a host name or IP address');
    opts.host = values.host;
  }
  if (values.latency !== undefined) opts.latency = parseLatency(values.latency);
  if (values['error-rate'] !== undefined) opts.errorRate = parseNumberIn('--error-rate', values['error-rate'], 0, 1, 'a fraction from 0 to 1');
  if (values.saturate !== undefined) {
    opts.saturateRps = parseNumberIn('--saturate', values.saturate, 0, 10_000_000, 'requests per second above 0');
    if (opts.saturateRps === 0) throw usage('--saturate: expected requests per second above 0, got "0"');
  }
  if (values.seed !== undefined) opts.seed = parseIntIn('--seed', values.seed, 0, 2 ** 32 - 1);
  if (values.down) opts.down = true;
  if (values['bad-schema']) opts.badSchema = true;
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) throw usage('--tls-cert and --tls-key: give both, or neither');
  if (values['tls-cert'] !== undefined && values['tls-key'] !== undefined) {
    opts.tls = { cert: readPem('--tls-cert', values['tls-cert'], readFile), key: readPem('--tls-key', values['tls-key'], readFile) };
  }
  if (values['http-redirect-port'] !== undefined) {
    if (!opts.tls) throw usage('--http-redirect-port: needs --tls-cert and --tls-key (it redirects to HTTPS)');
    opts.httpRedirectPort = parseIntIn('--http-redirect-port', values['http-redirect-port'], 0, 65_535);
  }
  if (values.hsts !== undefined) {
    if (!opts.tls) throw usage('--hsts: needs --tls-cert and --tls-key (browsers ignore HSTS over plain HTTP)');
    opts.hstsMaxAge = parseIntIn('--hsts', values.hsts, 0, 2 ** 31 - 1);
  }
  return opts;
}

function readPem(flag: string, file: string, readFile: (path: string) => string): string {
  let text: string;
  try {
    text = readFile(file);
  } catch (err) {
    throw usage(`${flag}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  if (!text.includes('-----BEGIN ')) throw usage(`${flag}: ${file} is not PEM (expected a -----BEGIN ...----- block)`);
  return text;
}

function resolveToken(
  flag: string | undefined,
  file: string | undefined,
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string,
): string {
  if (flag !== undefined && file !== undefined) throw usage('--token and --token-file: give only one');
  let token: string;
  let source: string;
  if (flag !== undefined) [token, source] = [flag, '--token'];
  else if (file !== undefined) {
    try {
      // A trailing newline is how editors and `echo` write files; it is never part of the token.
      token = readFile(file).replace(/\r?\n$/, '');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      throw usage(`--token-file: cannot read ${file} (${code})`);
    }
    source = '--token-file';
  } else if (env.GOLIVE_TOKEN !== undefined) [token, source] = [env.GOLIVE_TOKEN, 'GOLIVE_TOKEN'];
  else throw usage('--token: required (or --token-file F, or env GOLIVE_TOKEN)');
  if (!/^[\x21-\x7e]+$/.test(token)) throw usage(`${source}: expected a non-empty token of printable ASCII without spaces`);
  return token;
}

export function parseLatency(text: string): LatencySpec {
  const flag = '--latency';
  if (text === 'none') return { kind: 'none' };
  const colon = text.indexOf(':');
  const kind = colon < 0 ? text : text.slice(0, colon);
  const arg = colon < 0 ? '' : text.slice(colon + 1);
  const ms = (what: string, v: string | undefined): number => parseNumberIn(`${flag} ${kind} ${what}`, v ?? '', 0, MAX_MS, `milliseconds from 0 to ${MAX_MS}`);
  switch (kind) {
    case 'fixed':
      return { kind: 'fixed', ms: ms('MS', arg) };
    case 'uniform': {
      const m = /^([^-]+)-([^-]+)$/.exec(arg);
      if (!m) throw usage(`${flag}: expected uniform:MIN-MAX, e.g. uniform:10-50`);
      const [minMs, maxMs] = [ms('MIN', m[1]), ms('MAX', m[2])];
      if (minMs > maxMs) throw usage(`${flag}: uniform MIN must not exceed MAX`);
      return { kind: 'uniform', minMs, maxMs };
    }
    case 'bimodal': {
      const parts = arg.split(',');
      if (parts.length !== 3) throw usage(`${flag}: expected bimodal:FAST,SLOW,FRACTION, e.g. bimodal:5,200,0.1`);
      const slowFraction = parseNumberIn(`${flag} bimodal FRACTION`, parts[2] ?? '', 0, 1, 'a fraction from 0 to 1');
      return { kind: 'bimodal', fastMs: ms('FAST', parts[0]), slowMs: ms('SLOW', parts[1]), slowFraction };
    }
    case 'stall': {
      const m = /^([^/]+)\/([^,]+)(?:,(.+))?$/.exec(arg);
      if (!m) throw usage(`${flag}: expected stall:MS/EVERY[,BASE], e.g. stall:1000/500`);
      const every = parseIntIn(`${flag} stall EVERY`, m[2] ?? '', 1, Number.MAX_SAFE_INTEGER);
      const spec: LatencySpec = { kind: 'stall', ms: ms('MS', m[1]), every };
      if (m[3] !== undefined) spec.baseMs = ms('BASE', m[3]);
      return spec;
    }
    default:
      throw usage(`${flag}: expected none, fixed:MS, uniform:MIN-MAX, bimodal:FAST,SLOW,FRACTION or stall:MS/EVERY[,BASE]`);
  }
}

function parseNumberIn(flag: string, text: string, min: number, max: number, expected: string): number {
  const v = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isFinite(v) || v < min || v > max) throw usage(`${flag}: expected ${expected}, got "${text.slice(0, 40)}"`);
  return v;
}

function parseIntIn(flag: string, text: string, min: number, max: number): number {
  const v = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    throw usage(`${flag}: expected an integer from ${min} to ${max}, got "${text.slice(0, 40)}"`);
  }
  return v;
}

function usage(message: string): GoliveError {
  return new GoliveError('GOLIVE_USAGE', `reference-api: ${message}`);
}
