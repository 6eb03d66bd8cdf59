// The committed kustomize base must equal what the builders produce, and render with the
// pinned kubectl's kustomize into exactly the objects the builders describe.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { baseFiles, basePlan } from '../../src/k8s/base-manifests.js';
import { buildConfigMap } from '../../src/k8s/configmap.js';
import { findBinDir } from '../support/control-plane.js';

const root = resolve(import.meta.dirname, '../..');

describe('k8s/ kustomize base', () => {
  it('is up to date with the builders (regenerate: node scripts/gen-k8s.mjs)', async () => {
    for (const [rel, text] of Object.entries(baseFiles())) {
      const committed = await readFile(join(root, rel), 'utf8').catch(() => '(missing)');
      expect(committed, `${rel} is stale: run node scripts/gen-k8s.mjs`).toBe(text);
    }
  });

  it('`kubectl kustomize k8s/` renders every object, the ConfigMap equal to the builder\'s', async () => {
    const binDir = await findBinDir();
    const { stdout } = await promisify(execFile)(join(binDir, 'kubectl'), ['kustomize', join(root, 'k8s')], { timeout: 30_000 });
    const docs = parseAllDocuments(stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string }; data?: Record<string, string> });
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`).sort()).toEqual([
      'ConfigMap/golive-config', 'CronJob/golive', 'Job/golive-oneoff', 'NetworkPolicy/golive-runner',
      'Role/golive-orchestrator', 'Role/golive-orchestrator-signal-trading-apiserver', 'RoleBinding/golive-orchestrator',
      'RoleBinding/golive-orchestrator-signal-trading-apiserver', 'ServiceAccount/golive-orchestrator', 'ServiceAccount/golive-runner',
    ]);
    const cm = docs.find((d) => d.kind === 'ConfigMap');
    expect(cm?.data).toEqual(buildConfigMap(basePlan()).data);
  });
});
