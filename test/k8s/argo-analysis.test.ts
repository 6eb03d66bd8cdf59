/**
 * The shipped AnalysisTemplate (k8s/argo/) against a real kube-apiserver with
 * the real Argo Rollouts CRDs (scripts/setup/argo-rollouts-crds.sh, from the
 * argo-rollouts Go module): the CRD schema accepts it and keeps every field
 * (a field it did not know would be pruned silently), and an AnalysisRun built
 * from it the way the Argo controller does (args resolved, metrics and dry run
 * copied) is accepted too and carries golive's three answers. The controller
 * does not run; test/argo-verdict.test.ts proves the answers through a real
 * Pushgateway and Prometheus.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { AnalysisTemplate } from '../../src/k8s/argo.js';
import { argoMeasurement } from '../support/argo-conditions.js';
import { startControlPlane, type ControlPlane } from '../support/control-plane.js';
import { waitFor } from '../support/wait.js';

const exec = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const SETUP = 'bash scripts/setup/argo-rollouts-crds.sh';
const CRDS = ['analysis-template-crd.yaml', 'analysis-run-crd.yaml'];

async function crdDir(): Promise<string> {
  const out = await exec('bash', [join(root, 'scripts/setup/argo-rollouts-crds.sh'), '--print-dir']);
  const dir = out.stdout.trim().split('\n').pop() ?? '';
  for (const f of CRDS) await readFile(join(dir, f)).catch(() => { throw new Error(`no ${f} in ${dir}: run \`${SETUP}\``); });
  return dir;
}

describe('the Argo Rollouts AnalysisTemplate on a real API server with the Argo CRDs', () => {
  let cp: ControlPlane;
  let dir: string;
  const kubectl = (args: string[]) => exec(cp.kubectlPath, ['--kubeconfig', cp.kubeconfigPath, ...args], { timeout: 60_000 });
  const shipped = async (): Promise<AnalysisTemplate> => parse(await readFile(join(root, 'k8s/argo/analysistemplate.yaml'), 'utf8')) as AnalysisTemplate;
  const apply = async (obj: unknown, name: string) => {
    const file = join(dir, name);
    await writeFile(file, JSON.stringify(obj));
    return kubectl(['create', '--validate=strict', '-f', file]);
  };

  beforeAll(async () => {
    const crds = await crdDir();
    cp = await startControlPlane();
    dir = await mkdtemp(join(tmpdir(), 'golive-argo-'));
    for (const f of CRDS) await kubectl(['create', '-f', join(crds, f)]);
    for (const crd of ['analysistemplates.argoproj.io', 'analysisruns.argoproj.io']) {
      await waitFor(`${crd} Established`, async () => {
        const { stdout } = await kubectl(['get', 'crd', crd, '-o', 'jsonpath={.status.conditions[?(@.type=="Established")].status}']);
        return stdout.trim() === 'True' ? true : undefined;
      }, 60_000, 200);
    }
    await kubectl(['create', 'namespace', 'signal-trading']);
  }, 180_000);

  afterAll(async () => {
    await cp?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('accepts the shipped template and keeps every field of it (nothing pruned)', async () => {
    const at = await shipped();
    await kubectl(['apply', '--validate=strict', '-f', join(root, 'k8s/argo/analysistemplate.yaml')]);
    const stored = JSON.parse((await kubectl(['get', '-n', 'signal-trading', 'analysistemplate', 'golive-gate', '-o', 'json'])).stdout) as AnalysisTemplate;
    expect(stored.spec).toEqual(at.spec);
  });

  it('really validates: a template with a limit that is not a number is refused', async () => {
    const at = await shipped();
    const bad = { ...at, metadata: { ...at.metadata, name: 'golive-bad' }, spec: { ...at.spec, metrics: [at.spec.metrics[0], { ...at.spec.metrics[1], consecutiveErrorLimit: { many: true } }] } };
    await expect(apply(bad, 'bad.json')).rejects.toThrow(/consecutiveErrorLimit/);
  });

  it('an AnalysisRun built from it is accepted and answers 0 Successful, 99 Failed, 105 and 107 Inconclusive', async () => {
    const at = await shipped();
    // What the controller creates: the template's metrics and dry run, its args with the Rollout's values.
    const args = at.spec.args.map((a) => (a.name === 'testid' ? { name: a.name, value: 'rev-7f9c6d' } : a));
    const run = { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisRun', metadata: { name: 'golive-gate-rev-7f9c6d', namespace: 'signal-trading' }, spec: { args, metrics: at.spec.metrics, dryRun: at.spec.dryRun } };
    await apply(run, 'run.json');
    const stored = JSON.parse((await kubectl(['get', '-n', 'signal-trading', 'analysisrun', run.metadata.name, '-o', 'json'])).stdout) as { spec: AnalysisTemplate['spec'] };
    expect(stored.spec.metrics).toEqual(at.spec.metrics);
    // the runner Job is recorded, never the answer; the answer is the verdict metric's
    expect(stored.spec.dryRun).toEqual([{ metricName: 'golive' }]);
    const verdict = stored.spec.metrics.find((m) => m.name === 'verdict');
    if (!verdict || !('successCondition' in verdict)) throw new Error('no verdict metric in the stored AnalysisRun');
    expect({ count: verdict.count, failureLimit: verdict.failureLimit, inconclusiveLimit: verdict.inconclusiveLimit }).toEqual({ count: 1, failureLimit: 0, inconclusiveLimit: 0 });
    expect([0, 99, 105, 107].map((code) => argoMeasurement(verdict, [code]))).toEqual(['Successful', 'Failed', 'Inconclusive', 'Inconclusive']);
    expect(argoMeasurement(verdict, [])).toBe('Error'); // not pushed yet: retried
  });
});
