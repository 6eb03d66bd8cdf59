/**
 * `golive k8s render|run|schedule`: the plan comes from the same config, env and flags
 * as `golive check`; the k8s flags say how to run it in the cluster. Returns the exit
 * code; main.ts owns process.exit.
 */
import { VERSION } from '../core/version.js';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EXIT, firstLine, GoliveError } from '../core/errors.js';
import { redactUrls } from '../core/redact.js';
import { renderPrintConfig } from '../config/print-config.js';
import { resolvePlan } from '../config/load.js';
import { renderConsole } from '../reporters/console.js';
import { renderJson } from '../reporters/json.js';
import { writeReports } from '../reporters/write.js';
import { buildAnalysisTemplate } from '../k8s/argo.js';
import { resolveApiServer } from '../k8s/api-server.js';
import { loadKubeConfig, makeClients } from '../net/k8s-client.js';
import { parseK8sFlags, type K8sFlags } from '../k8s/cli-flags.js';
import { K8S_HELP } from '../k8s/help.js';
import type { Scripts } from '../k8s/configmap.js';
import { mergedRunResult } from '../k8s/merged-report.js';
import { DEFAULT_SECRET, jobName, K6_SCRIPT, newRunId } from '../k8s/names.js';
import { refuseUrlCredentials } from '../k8s/url-credentials.js';
import { runInCluster, scheduleInCluster, type OrchestratorEvent } from '../k8s/orchestrator.js';
import { renderManifests, renderNotes, toYaml } from '../k8s/render.js';
import { makeRunnerPlan, makeSchedulePlan } from '../k8s/runner-plan.js';
import type { LogSource } from '../k8s/runners.js';
import type { CliIO } from './io.js';

export interface K8sDeps {
  /** where runner logs come from (tests: the test kubelet); default the API's pods/log */
  logs?: LogSource;
}


// The token lives in the cluster's Secret; the local plan never needs (or renders) it.
const NO_LOCAL_TOKEN = { token: 'token-comes-from-the-cluster-secret' };

/** Only the combined entry: a ConfigMap holds at most 1 MiB and each bundle inlines zod. */
async function readScripts(dir: string): Promise<Scripts> {
  try {
    return { [K6_SCRIPT]: await readFile(join(dir, K6_SCRIPT), 'utf8') };
  } catch {
    throw new GoliveError('GOLIVE_USAGE', `--engine k6: no bundled k6 script ${join(dir, K6_SCRIPT)}; run \`npm run build:k6\` or pass --scripts-dir`);
  }
}

function describeEvent(e: OrchestratorEvent): string | undefined {
  switch (e.type) {
    case 'applied': return `${e.kind} ${e.name} ${e.action}`;
    case 'watch-dropped': return `watch dropped (attempt ${e.attempt}): ${firstLine(e.error)}; re-listing`;
    case 'finished': return e.outcome.kind === 'complete' ? 'Job complete' : `Job failed: ${e.outcome.reason}${e.outcome.message ? ` (${e.outcome.message})` : ''}`;
    case 'cleaned-up': return `deleted Job ${e.job} and its ConfigMap`;
    case 'cleanup-failed': return `cleanup failed (ttlSecondsAfterFinished removes the Job later): ${e.error}`;
    case 'job-status': return undefined;
  }
}

async function execute(f: K8sFlags, io: CliIO, deps: K8sDeps): Promise<number> {
  const { cwd } = io;
  const resolved = await resolvePlan(f.check, io.env, cwd, NO_LOCAL_TOKEN, (line) => io.stderr.write(`golive k8s: ${line}\n`));
  if (f.check.printConfig) {
    io.stdout.write(renderPrintConfig(resolved.plan, resolved.configFile));
    return EXIT.passed;
  }
  // A rendering gets a fresh run id too: a fixed Job name would make a second apply a no-op.
  const runId = f.runId ?? newRunId();
  // All runners of one run report one testid, so Prometheus sees one test, not N.
  const plan = f.action === 'run' ? { ...resolved.plan, testid: resolved.plan.testid ?? runId } : resolved.plan;
  // Credentials in a URL are refused before anything talks to the cluster.
  refuseUrlCredentials(plan, { name: f.secret ?? DEFAULT_SECRET.name, key: f.secretKey ?? DEFAULT_SECRET.key });
  const clients = f.action === 'render' ? undefined : makeClients(loadKubeConfig(plan.cluster.kubeconfig));
  const apiServer = await resolveApiServer({
    flagCidrs: f.apiServerCidrs, clusterPhase: plan.phases.includes('cluster'),
    ...(clients ? { clients } : {}), ...(plan.cluster.kubeconfig ? { kubeconfig: plan.cluster.kubeconfig } : {}),
  });
  const runner = makeRunnerPlan(plan, {
    egressCidrs: f.egressCidrs,
    ...(apiServer ? { apiServer } : {}),
    runId,
    parallelism: f.parallelism,
    ...(f.check.notify ? { notify: { kinds: f.check.notify, ...(f.check.notifyOn ? { on: f.check.notifyOn } : {}) } } : {}),
    // A run gets its own ConfigMap (cleaned up with it); a schedule shares one.
    configMapName: f.action === 'run' ? jobName(runId) : `${f.name ?? 'golive'}-config`,
    ...(f.jobNamespace ? { namespace: f.jobNamespace } : {}),
    ...(f.image ? { image: f.image } : {}),
    ...(f.k6Image ? { k6Image: f.k6Image } : {}),
    ...(f.secret ? { secretName: f.secret } : {}),
    ...(f.secretKey ? { secretKey: f.secretKey } : {}),
    ...(f.serviceAccount ? { serviceAccountName: f.serviceAccount } : {}),
    ...(f.activeDeadline ? { activeDeadlineSeconds: f.activeDeadline } : {}),
    ...(f.ttl !== undefined ? { ttlSecondsAfterFinished: f.ttl } : {}),
    ...(f.backoffLimit !== undefined ? { backoffLimit: f.backoffLimit } : {}),
    ...(f.runnerMemory ? { memory: f.runnerMemory } : {}),
  });
  const schedule = makeSchedulePlan({
    ...(f.schedule ? { schedule: f.schedule } : {}),
    ...(f.name ? { name: f.name } : {}),
    ...(f.timeZone ? { timeZone: f.timeZone } : {}),
  });
  const scripts = runner.engine === 'k6' ? await readScripts(resolve(cwd, f.scriptsDir ?? 'dist/k6')) : {};

  if (f.action === 'render') {
    const manifests: unknown[] = renderManifests(runner, { job: !f.noJob, scripts, ...(f.schedule ? { schedule } : {}) });
    if (f.argo) manifests.push(buildAnalysisTemplate(runner));
    io.stdout.write(toYaml(manifests));
    for (const note of renderNotes(runner, !f.noJob)) io.stderr.write(`golive k8s: ${note}\n`);
    return EXIT.passed;
  }

  if (!clients) throw new GoliveError('GOLIVE_ENGINE_ERROR', 'internal: no Kubernetes clients');
  const say = (line: string) => io.stderr.write(`golive k8s: ${redactUrls(line)}\n`);
  const onEvent = (e: OrchestratorEvent) => { const l = describeEvent(e); if (l) say(l); };
  if (f.action === 'schedule') {
    const out = await scheduleInCluster(runner, schedule, { clients, onEvent }, scripts);
    io.stdout.write(`CronJob ${out.name} ${out.action} in ${runner.namespace}: "${schedule.schedule}"\n`);
    return EXIT.passed;
  }

  say(`run ${runId}: Job ${jobName(runId)} in ${runner.namespace}, ${runner.parallelism} runner(s), engine ${runner.engine}`);
  const out = await runInCluster(runner, {
    cleanup: f.cleanup, scripts,
    ...(f.followTimeoutSeconds ? { followTimeoutMs: f.followTimeoutSeconds * 1000 } : {}),
  }, { clients, signal: io.signal, onEvent, ...(deps.logs ? { logs: deps.logs } : {}) });
  for (const r of out.runners) {
    say(`runner ${r.index} ${r.pod || '(no pod)'}: exit ${r.exitCode ?? 'none'}${r.reason ? ` ${r.reason}` : ''}${r.note ? ` (${r.note})` : ''}`);
  }
  if (out.verdict.source === 'exit-codes') {
    say(`verdict from exit codes: ${out.verdict.reason}`);
    if (plan.json) io.stdout.write(`${redactUrls(JSON.stringify({ runId, job: out.job, exitCode: out.verdict.exitCode, runners: out.runners.map(({ result: _r, ...x }) => x) }))}\n`);
    return out.verdict.exitCode;
  }
  const result = mergedRunResult({ plan, runId, merged: out.verdict.merged, runners: out.runners.flatMap((r) => (r.result ? [r.result] : [])), version: VERSION });
  const written = await writeReports(result, resolve(cwd, plan.out));
  for (const e of written.errors) say(`report not written: ${e}`);
  io.stdout.write(plan.json ? `${renderJson(result)}\n` : renderConsole(result, { color: false }));
  return out.verdict.exitCode;
}

/** Like every command: returns an EXIT value or throws; cli/run-command.ts maps errors to exit codes. */
export async function k8sCommand(argv: readonly string[], io: CliIO, deps: K8sDeps = {}): Promise<number> {
  const first = argv[0];
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout.write(K8S_HELP);
    return first === undefined ? EXIT.invalidConfig : EXIT.passed;
  }
  const flags = parseK8sFlags(argv);
  if (flags.check.help) {
    io.stdout.write(K8S_HELP);
    return EXIT.passed;
  }
  return execute(flags, io, deps);
}
