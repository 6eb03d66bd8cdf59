/**
 * Runs golive.ts under a local k6 binary: bundle, spawn `k6 run`, forward an
 * interrupt as SIGINT (k6 then stops gracefully and still writes its summary),
 * read the summary that handleSummary() wrote. The plan reaches k6 through the
 * environment only: the token is never on the command line, and inherited
 * GOLIVE_* and K6_* variables are dropped so neither a stray credential nor a
 * K6_* option override (k6 lets env vars override script options) leaks in.
 */
import { spawn } from 'node:child_process';
import { ensureDir } from '../../core/out-dir.js';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleK6Entry } from './bundle.mjs';
import type { Plan } from '../../contract/plan.js';
import { GoliveError, firstLine } from '../../core/errors.js';
import { redactUrls } from '../../core/redact.js';
import type { Segment } from '../segment.js';
import { k6SegmentArgs } from '../segment.js';
import { trustedCaBundle } from '../../net/tls.js';
import { classifyK6Exit, lastLogMessage } from './exit-codes.js';
import { findK6, k6NotFoundMessage } from './find.js';
import { k6EnvFor } from '../../contract/k6-plan.js';
import { k6PrometheusOutput } from './prometheus-output.js';
import type { K6Declared, K6Segment } from '../../contract/k6-plan.js';
import { k6Declared } from './declared.js';
import { parseK6Summary } from './summary-schema.js';
import type { K6Summary } from './summary-schema.js';
import type { K6SampleStream } from './sample-stream.js';
import { checkK6Version } from './version.js';
import { K6_LOG_FILE, K6Log, k6LogConsoleLines, k6LogNote } from './k6-log.js';
import type { Contract } from '../../openapi/contract.js';

export interface K6RunOptions {
  signal: AbortSignal;
  /** the reports directory; k6's raw summary is kept there as k6-summary.json */
  outDir: string;
  /** the environment to start from (PATH, K6_BINARY, HOME, ...) */
  env: NodeJS.ProcessEnv;
  segment?: Segment;
  /** where k6's own log lines go (stderr of the CLI); dropped when absent */
  stderr?: NodeJS.WritableStream;
  /** after an interrupt, how long k6 may take to stop before it is killed */
  graceMs?: number;
  /** repository root holding scenarios/k6; found from this module by default */
  root?: string;
  /** the testid label of the series k6 remote-writes (--prometheus-rw-url) */
  testid?: string;
  /** k6 writes every sample to stdout (`--out json=-`) into this stream */
  stream?: K6SampleStream;
  /** golive stops k6 early (abortOnFail): SIGINT, and k6 still writes its summary; the run is not an abort */
  stop?: AbortSignal;
  /** run a k6 version outside the verified range (--k6-unverified) */
  allowUnverified?: boolean;
  /** the API's contract (plan.openapi), loaded before the first request: k6 gets its table */
  contract?: Contract;
}

/** k6's stderr as golive kept it: the note the report carries (naming k6.log) */
export interface K6LogOutcome { note: string }

export type K6Outcome =
  | { kind: 'finished'; k6ExitCode: number; summary: K6Summary; summaryPath: string; segment?: K6Segment; outputErrors?: string[]; k6Version?: string; stopped?: string; k6Log?: K6LogOutcome }
  | { kind: 'aborted'; k6ExitCode: number | null; reason: string; summary?: K6Summary; summaryPath: string; segment?: K6Segment; outputErrors?: string[]; k6Version?: string; k6Log?: K6LogOutcome };

export const K6_SUMMARY_FILE = 'k6-summary.json';

/**
 * k6's system tags golive reads (sample-stream.ts, thresholds, failures by cause, the remote-write
 * labels; `group` builds the summary's root_group, where k6's checks are). k6's default adds proto,
 * subproto, url, tls_version and service to every sample:
 * about 15 % more JSON for k6 to write and golive to read, none of it used.
 */
export const K6_SYSTEM_TAGS = 'status,method,name,scenario,group,check,error,error_code,expected_response';
/** How golive has k6 write its samples (the bench measures these very arguments). */
export const K6_STREAM_ARGS: readonly string[] = ['--out', 'json=-', '--system-tags', K6_SYSTEM_TAGS];
const TAIL_LINES = 20;

export function findScenariosRoot(from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'scenarios', 'k6', 'golive.ts'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The child's environment: the parent's minus GOLIVE_* and K6_*, plus the plan. */
export function childEnv(base: NodeJS.ProcessEnv, plan: Plan, summaryPath: string, segment?: K6Segment, caBundlePath?: string, stream = false, declared?: K6Declared, contractFile?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (v !== undefined && !k.startsWith('GOLIVE_') && !k.startsWith('K6_')) env[k] = v;
  }
  Object.assign(env, k6EnvFor(plan, { summaryPath, stream, ...(segment ? { segment } : {}), ...(declared ? { declared } : {}), ...(contractFile !== undefined ? { contractFile } : {}) }));
  env['K6_NO_USAGE_REPORT'] = 'true';
  // Go takes SSL_CERT_FILE instead of the system roots, so it gets the default roots plus
  // the extra CA (trustedCaBundle); verification itself stays on.
  if (caBundlePath !== undefined) env['SSL_CERT_FILE'] = caBundlePath;
  return env;
}

/** k6's log names request URLs: the token is masked and every URL redacted. */
function redact(text: string, secret: string | undefined): string {
  return redactUrls(secret ? text.split(secret).join('***') : text);
}

async function bundle(root: string, dir: string): Promise<string> {
  try {
    return await bundleK6Entry(root, 'golive', join(dir, 'golive.js'));
  } catch (err) {
    const first = firstLine(err);
    throw new GoliveError('GOLIVE_ENGINE_ERROR', `could not bundle scenarios/k6/golive.ts: ${first}`, { cause: err });
  }
}

/** `outputErrors`: k6's own remote-write failures (k6 logs them and still exits 0) */
interface ChildExit { code: number | null; signal: NodeJS.Signals | null; interrupted: boolean; stopped: string | undefined; tail: string[]; outputErrors: string[] }

const RW_OUTPUT_ERROR = /level=error .*output="Prometheus remote write"/;

function runChild(bin: string, args: string[], env: NodeJS.ProcessEnv, opts: K6RunOptions, log: K6Log): Promise<ChildExit> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const outputErrors: string[] = [];
    let partial = '';
    const stream = opts.stream;
    // k6's samples (--out json=-); without a stream, handleSummary's text, which golive replaces by its own table.
    if (stream) child.stdout.on('data', (chunk: Buffer) => stream.write(chunk)).once('end', () => stream.end());
    else child.stdout.resume();
    const token = env['GOLIVE_TOKEN'];
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      // Whole lines only: a token split across two reads is still masked.
      if (lines.length > 0) log.write(lines.map((l) => redact(l, token)));
      tail.push(...lines);
      for (const l of lines) if (RW_OUTPUT_ERROR.test(l) && outputErrors.length < 3) outputErrors.push(redact(l, token));
      tail.splice(0, Math.max(0, tail.length - TAIL_LINES));
    });
    let interrupted = false;
    let stopped: string | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const sigint = () => {
      if (killTimer) return;
      // k6 v0.57 to v2 stop gracefully on SIGINT and still run handleSummary (the REST API needs --address in v2).
      child.kill('SIGINT');
      killTimer = setTimeout(() => child.kill('SIGKILL'), opts.graceMs ?? 30_000);
      killTimer.unref();
    };
    const onAbort = () => { interrupted = true; sigint(); };
    const onStop = () => { stopped = String(opts.stop?.reason ?? 'stopped by golive'); sigint(); };
    opts.signal.addEventListener('abort', onAbort, { once: true });
    opts.stop?.addEventListener('abort', onStop, { once: true });
    child.once('error', (err: NodeJS.ErrnoException) => {
      opts.signal.removeEventListener('abort', onAbort);
      opts.stop?.removeEventListener('abort', onStop);
      reject(new GoliveError('GOLIVE_ENGINE_ERROR', `could not start k6 (${bin}): ${err.code ?? err.message}`, { cause: err }));
    });
    child.once('close', (code, signal) => {
      opts.signal.removeEventListener('abort', onAbort);
      opts.stop?.removeEventListener('abort', onStop);
      if (killTimer) clearTimeout(killTimer);
      if (partial !== '') {
        tail.push(partial);
        log.write([redact(partial, token)]);
      }
      resolve({ code, signal, interrupted, stopped: interrupted ? undefined : stopped, tail, outputErrors });
    });
  });
}

/** k6.log closed, its digest on the console (stderr), and the report's note naming it. */
async function closeK6Log(log: K6Log, exit: ChildExit, stderr: NodeJS.WritableStream | undefined, showErrors: boolean): Promise<K6LogOutcome> {
  const { digest, error } = await log.close({ interrupted: exit.interrupted, ...(exit.stopped !== undefined ? { stopped: exit.stopped } : {}) });
  const lines = k6LogConsoleLines(showErrors ? digest : { ...digest, shown: [] }, error === undefined ? log.path : undefined);
  if (error !== undefined) lines.push(`k6: its log could not be kept in ${log.path}: ${error}`);
  if (lines.length > 0) stderr?.write(lines.map((l) => `${l}\n`).join(''));
  return { note: error === undefined ? k6LogNote(digest, K6_LOG_FILE) : `k6's own log was not kept (${error})` };
}

export async function runK6(plan: Plan, opts: K6RunOptions): Promise<K6Outcome> {
  const bin = findK6(opts.env);
  if (bin === undefined) throw new GoliveError('GOLIVE_K6_NOT_FOUND', k6NotFoundMessage(opts.env));
  const k6Version = await checkK6Version(bin, opts.env, opts.allowUnverified === true);
  // A k8s k6 runner has no checkout: it runs the bundle its ConfigMap holds (GOLIVE_K6_SCRIPT).
  const prebuilt = opts.env['GOLIVE_K6_SCRIPT'] || undefined;
  if (prebuilt !== undefined && !existsSync(prebuilt)) throw new GoliveError('GOLIVE_ENGINE_ERROR', `GOLIVE_K6_SCRIPT=${prebuilt}: no such file`);
  const root = prebuilt === undefined ? opts.root ?? findScenariosRoot() : undefined;
  if (prebuilt === undefined && root === undefined) {
    throw new GoliveError('GOLIVE_ENGINE_ERROR', 'scenarios/k6/golive.ts not found: the k6 engine needs a golive checkout (or pass root)');
  }
  // Not mkdirSync(recursive): it spins forever on some paths (e.g. under /proc), synchronously.
  await ensureDir(opts.outDir);
  const summaryPath = join(opts.outDir, K6_SUMMARY_FILE);
  rmSync(summaryPath, { force: true }); // never read a previous run's summary
  const segment = opts.segment && opts.segment.count > 1 ? k6SegmentArgs(opts.segment) : undefined;
  const seg = segment ? { segment } : {};
  if (opts.signal.aborted) return { kind: 'aborted', k6ExitCode: null, reason: 'interrupted before k6 started', summaryPath, ...seg };

  const work = mkdtempSync(join(tmpdir(), 'golive-k6-'));
  try {
    const script = prebuilt ?? await bundle(root ?? '', work);
    let caBundle: string | undefined;
    if (plan.caFile !== undefined) {
      caBundle = join(work, 'ca-bundle.pem');
      writeFileSync(caBundle, trustedCaBundle(readFileSync(plan.caFile, 'utf8')));
    }
    // One of several parallel runners labels its series: N writers of one series would overwrite one another.
    const runnerTag: Record<string, string> = segment && opts.segment ? { runner: String(opts.segment.index) } : {};
    const output = k6PrometheusOutput(plan, opts.testid ?? plan.testid ?? 'golive', runnerTag);
    const declared = plan.checks.length > 0 ? k6Declared(plan, opts.env) : undefined;
    // Loaded only with a contract: ajv's code generation costs nothing otherwise.
    const contractFile = opts.contract ? (await import('../../openapi/portable-build.js')).writePortableContract(opts.contract, work) : undefined;
    const env = { ...childEnv(opts.env, plan, summaryPath, segment, caBundle, opts.stream !== undefined, declared, contractFile), ...output.env };
    const streamArgs = opts.stream ? K6_STREAM_ARGS : [];
    // --address '': no REST API (golive stops k6 by SIGINT), so two k6 at once never clash on 6565;
    // v0.57 and v1 then start none, and v2 starts none unless --address names one.
    const log = new K6Log(opts.outDir);
    const exit = await runChild(bin, ['run', '--quiet', '--no-color', '--address', '', ...streamArgs, ...output.args, script], env, opts, log)
      .catch(async (err: unknown) => { await log.close({}); throw err; });
    // k6's own failure, when there is one, says more than a summary it left half-written.
    let summary: K6Summary | undefined;
    let summaryError: unknown;
    try {
      summary = existsSync(summaryPath) ? parseK6Summary(readFileSync(summaryPath, 'utf8'), summaryPath) : undefined;
    } catch (err) {
      summaryError = err;
    }
    const loadSkipped = summary?.setupData?.health?.ok === false || (plan.load.mix !== undefined && summary?.setupData?.checks?.ok === false);
    const cls = classifyK6Exit(exit.code, exit.signal, { interrupted: exit.interrupted, stopped: exit.stopped !== undefined, loadSkipped });
    // When k6 broke, golive's error line quotes k6's last error: the digest only counts.
    const k6Log = await closeK6Log(log, exit, opts.stderr, cls.kind !== 'error');
    if (cls.kind === 'error') {
      const why = lastLogMessage(exit.tail);
      throw new GoliveError('GOLIVE_ENGINE_ERROR', redact(why ? `${cls.reason}: ${why}` : cls.reason, plan.token));
    }
    if (summaryError !== undefined) throw summaryError;
    if (cls.kind === 'aborted') {
      return { kind: 'aborted', k6ExitCode: exit.code, reason: cls.reason, summaryPath, ...(summary ? { summary } : {}), ...seg, outputErrors: exit.outputErrors, k6Version, k6Log };
    }
    if (!summary) throw new GoliveError('GOLIVE_ENGINE_ERROR', `k6 exited with ${exit.code} but wrote no summary to ${summaryPath}`);
    return {
      kind: 'finished', k6ExitCode: exit.code ?? 0, summary, summaryPath, ...seg, outputErrors: exit.outputErrors, k6Version, k6Log,
      ...(exit.stopped !== undefined ? { stopped: exit.stopped } : {}),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
