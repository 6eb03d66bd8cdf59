/**
 * One check run from a resolved Plan to an exit code: engine -> sinks ->
 * reports -> console. Reports are written whatever happened before them (a
 * failed sink, an aborted phase, an engine error), so results are never lost.
 */
import { safeLine } from '../core/sanitize.js';
import { join, resolve } from 'node:path';
import type { Plan } from '../contract/plan.js';
import { newRunId } from '../core/run-id.js';
import { checkFdBudget } from '../config/preflight.js';
import { checkProxyEnv } from '../config/proxy-env.js';
import { openFileLimit } from '../config/fd-limit.js';
import { describeError, exitCodeFor, GoliveError } from '../core/errors.js';
import { MetricStore } from '../core/metrics.js';
import type { DeliveryResult, RunResult } from '../core/result.js';
import { runNodeEngine } from '../engine/node-engine.js';
import { withTimeout } from '../net/timeout.js';
import { segmentWorkload } from '../engine/segment.js';
import { runEdgeFirst } from '../engine/edge-first.js';
import type { Segment } from '../engine/segment.js';
import { OutDirError, probeOutDir } from '../core/out-dir.js';
import { buildRunResult, runIdentity } from '../engine/summary.js';
import { withDeliveries, withReportErrors } from '../engine/verdict.js';
import { renderConsole } from '../reporters/console.js';
import { renderJson } from '../reporters/json.js';
import { createProgress } from '../reporters/progress.js';
import { REPORT_FILES, writeReports } from '../reporters/write.js';
import { formatEmittedResult } from '../k8s/result-markers.js';
import type { CliIO } from './io.js';
import type { Contract } from '../openapi/contract.js';
import { VERSION } from './io.js';
import { withBaseline, type RunExtras } from './extras.js';
import { previousVerdict } from '../notify/previous.js';
import { sendNotifications } from '../notify/send.js';
import { writeMarkdownSummaries } from '../reporters/write-markdown.js';
import { scrubGoliveText } from '../core/scrub.js';

export interface ExecuteOptions {
  plan: Plan;
  ca?: string;
  segment?: Segment;
  emitResult: boolean;
  color: boolean;
  /** wrap long lines on a TTY too (--wide) */
  wide?: boolean;
  /** no progress lines (--quiet) */
  quiet?: boolean;
  /** `ulimit -n`; read from /proc/self/limits when not given */
  openFileLimit?: number;
  extras?: RunExtras;
}


async function runEngine(opts: ExecuteOptions, io: CliIO, signal: AbortSignal, runId: string, emit: Parameters<typeof runNodeEngine>[0]['emit'], contract?: Contract): Promise<{ result: RunResult; store: MetricStore }> {
  const tty = { stdout: io.stdout.isTTY === true, stderr: io.stderr.isTTY === true };
  if (opts.plan.engine === 'k6') {
    // k6 cannot read certificate dates: the edge phase runs in Node first.
    const edge = await runEdgeFirst(opts.plan, { clock: io.clock, emit, signal, ...(opts.ca ? { ca: opts.ca } : {}) });
    const plan = edge?.plan ?? opts.plan;
    if (edge && plan.phases.length === 0) {
      const { result, state } = await runNodeEngine({ plan: { ...opts.plan, phases: [] }, signal, clock: io.clock, emit, tty, runId, version: VERSION });
      result.golive.engine = 'k6';
      return { result: edge.merge(result), store: state.store };
    }
    const { runK6Engine } = await import('../engine/k6/index.js');
    const startedAt = new Date();
    try {
      const out = await runK6Engine({
        plan, signal, outDir: resolve(io.cwd, opts.plan.out), env: io.env, runId, version: VERSION, tty, stderr: io.stderr,
        ...(opts.segment ? { segment: opts.segment } : {}), ...(contract ? { contract } : {}),
      });
      return edge ? { ...out, result: edge.merge(out.result) } : out;
    } catch (err) {
      // k6 broke, but what the edge phase measured is still reported.
      if (!edge) throw err;
      return { result: edge.merge(errorResult(opts.plan, runId, err, startedAt)), store: new MetricStore() };
    }
  }
  const { result, state } = await runNodeEngine({
    plan: opts.plan, signal, clock: io.clock, emit, tty, runId, version: VERSION, env: io.env,
    ...(opts.ca ? { ca: opts.ca } : {}), ...(opts.segment ? { segment: opts.segment } : {}),
    ...(contract ? { contract } : {}),
  });
  return { result, store: state.store };
}

/** A RunResult for a run that broke before it could judge anything. */
function errorResult(plan: Plan, runId: string, err: unknown, startedAt: Date): RunResult {
  const durationMs = Date.now() - startedAt.getTime();
  return buildRunResult({
    store: new MetricStore(), checks: [], phases: [], thresholds: [],
    rollback: { triggered: false, reasons: [] }, deliveries: [], durationMs,
    tty: { stdout: false, stderr: false },
    golive: {
      ...runIdentity(plan, { version: VERSION, runId, engine: plan.engine }, startedAt, new Date()),
      verdict: 'error', exitCode: exitCodeFor(err), error: describeError(err).replace(/^golive: /, ''),
    },
  });
}

/** Every configured sink; never throws (a sink that could not even start fails with the cause). */
async function deliver(plan: Plan, result: RunResult, store: MetricStore): Promise<DeliveryResult[]> {
  const sinks: DeliveryResult['sink'][] = [];
  if (plan.prometheus.remoteWriteUrl) sinks.push('prometheus-remote-write');
  if (plan.prometheus.pushgatewayUrl) sinks.push('pushgateway');
  if (sinks.length === 0) return [];
  try {
    const { deliverAll } = await import('../sinks/index.js');
    return await deliverAll({ result, store, plan });
  } catch (err) {
    const error = describeError(err).replace(/^golive: /, '');
    return sinks.map((sink) => ({ sink, ok: false, attempts: 0, error }));
  }
}

/**
 * What can be known about the plan before the first request, on this
 * machine: the reports directory is writable and the load's connections fit
 * in `ulimit -n`. Either failing is exit 104.
 */
async function preflight(opts: ExecuteOptions, io: CliIO): Promise<Contract | undefined> {
  const { plan } = opts;
  try {
    await probeOutDir(resolve(io.cwd, plan.out));
  } catch (err) {
    if (!(err instanceof OutDirError)) throw err;
    throw new GoliveError('GOLIVE_INVALID_CONFIG', `--out ${plan.out}: ${err.message}`);
  }
  checkFdBudget(plan, segmentWorkload(plan.load.workload, opts.segment), opts.openFileLimit ?? openFileLimit());
  // k6 honours the proxy variables itself; the node engine would bypass them.
  if (plan.engine === 'node') checkProxyEnv(plan.target, io.env);
  // The contract is read and compiled now: one that cannot be used is 104 before the first phase.
  if (!plan.openapi) return undefined;
  const { loadContract } = await import('../openapi/index.js');
  return loadContract(plan.openapi, {
    target: plan.target, timeoutMs: plan.requestTimeoutMs, cwd: io.cwd, clock: io.clock, signal: io.signal,
    ...(opts.ca ? { ca: opts.ca } : {}),
  });
}

export async function executeCheck(opts: ExecuteOptions, io: CliIO): Promise<number> {
  const { plan } = opts;
  const contract = await preflight(opts, io);
  const runId = io.env.GOLIVE_RUN_ID || plan.testid || `golive-${newRunId()}`;
  // A strongly held timer: AbortSignal.timeout() inside AbortSignal.any() can be collected (nodejs/node#57736).
  const deadline = withTimeout(io.signal, plan.deadlineSeconds * 1000);
  const signal = deadline.signal;
  const progress = createProgress(io.stderr, io.clock, { quiet: opts.quiet === true });
  const startedAt = new Date();
  // Before this run overwrites it (Pushgateway group or summary.json): was the last run a failure?
  const previous = opts.extras?.notify ? (await previousVerdict(plan, resolve(io.cwd, plan.out))).previous : undefined;
  let judged: RunResult;
  let store = new MetricStore();
  try {
    ({ result: judged, store } = await runEngine(opts, io, signal, runId, (e) => progress.handle(e), contract));
  } catch (err) {
    judged = errorResult(plan, runId, err, startedAt);
  } finally {
    deadline.clear();
    progress.done();
  }

  // Secrets a target echoed back (e.g. the token in a body a check quotes) never reach a report.
  judged = scrubGoliveText(judged, [plan.token, plan.prometheus.password, plan.prometheus.bearerToken]);
  const compared = withBaseline(judged, opts.extras?.baseline);
  const deliveries = await deliver(plan, compared, store);
  const delivered = withDeliveries(compared, deliveries);
  const outDir = resolve(io.cwd, plan.out);
  // A failed notification is reported and, like a failed delivery, turns a pass into 108.
  const notified = opts.extras?.notify ? await sendNotifications({
    config: opts.extras.notify, result: delivered, previous, timeoutMs: plan.requestTimeoutMs,
    reportLocation: io.env.GOLIVE_REPORT_URL?.trim() || join(outDir, REPORT_FILES.html),
  }) : [];
  const sent = notified.length ? withDeliveries(compared, [...deliveries, ...notified]) : delivered;
  // A notification that went out says so (a failed one is reported below with the other deliveries).
  for (const d of notified) if (d.ok) io.stderr.write(`golive: notification sent: ${d.sink}${d.attempts > 1 ? ` (after ${d.attempts} attempts)` : ''}\n`);
  // Lines that quote a sink, the file system or the engine: one clean, capped line each.
  for (const d of sent.golive.deliveries) if (!d.ok) io.stderr.write(`golive: ${safeLine(d.error ?? `${d.sink} delivery failed`)}\n`);

  const baseline = opts.extras?.baseline?.result;
  const written = await writeReports(sent, outDir, baseline ? { baseline } : {});
  for (const e of written.errors) io.stderr.write(`golive: report not written: ${safeLine(e)}\n`);
  // What prints from here on says the code the process returns.
  const result = withReportErrors(sent, written.errors.map((e) => safeLine(e)));
  const md = await writeMarkdownSummaries(result, {
    ...(opts.extras?.summaryMd ? { file: opts.extras.summaryMd } : {}),
    ...(io.env.GITHUB_STEP_SUMMARY ? { githubStepSummary: io.env.GITHUB_STEP_SUMMARY } : {}),
  }, io.cwd);
  for (const e of md) io.stderr.write(`golive: ${safeLine(e)}\n`);

  if (plan.json) io.stdout.write(`${renderJson(result)}\n`);
  else {
    // Off a TTY (a CI log, a pipe) nothing is cut: a reason is the diagnosis.
    const wrap = io.stdout.isTTY !== true || opts.wide === true;
    io.stdout.write(`${renderConsole(result, { color: opts.color, wrap, ...(io.stdout.columns ? { width: io.stdout.columns } : {}) })}\n`);
  }
  if (written.written.length > 0 && !plan.json) io.stdout.write(`reports: ${written.written.join(', ')}\n`);
  if (opts.emitResult) io.stdout.write(formatEmittedResult(result));
  if (sent.golive.verdict === 'error' && sent.golive.error) io.stderr.write(`golive: ${safeLine(sent.golive.error)}\n`);
  return result.golive.exitCode;
}
