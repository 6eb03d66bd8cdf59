// The shipped manifests through the test overlay (kubectl kustomize, the same kustomize a
// user's `kubectl apply -k` runs), with the user's own edit of k8s/golive.config.json
// (their target, their thresholds) applied to the generated ConfigMap.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import type { NodeEnv } from './node-env.js';

const OVERLAY = resolve(import.meta.dirname, '..');

interface Doc { kind?: string; metadata?: { name?: string }; data?: Record<string, string> }

/** Renders the overlay, edits the config, applies the chosen kinds; returns kubectl's warnings. */
export async function applyShipped(env: NodeEnv, o: { kinds: string[]; config: (c: Record<string, unknown>) => void }): Promise<string> {
  const rendered = (await env.kubectl(['kustomize', OVERLAY])).stdout;
  const docs = parseAllDocuments(rendered).map((d) => d.toJS() as Doc);
  const picked = docs.filter((d) => d.kind !== undefined && o.kinds.includes(d.kind));
  for (const d of picked) {
    if (d.kind !== 'ConfigMap' || d.metadata?.name !== 'golive-config' || !d.data) continue;
    const config = JSON.parse(d.data['golive.config.json'] ?? '{}') as Record<string, unknown>;
    o.config(config);
    d.data['golive.config.json'] = JSON.stringify(config, null, 2);
  }
  const missing = o.kinds.filter((k) => !picked.some((d) => d.kind === k));
  if (missing.length > 0) throw new Error(`the overlay rendered no ${missing.join(', ')}`);
  const { stderr } = await env.kubectl(['apply', '-f', '-'], picked.map((d) => `---\n${stringify(d)}`).join(''));
  return stderr;
}

/** The one Job and one CronJob of the shipped manifests, by name. */
export const SHIPPED_JOB = 'golive-oneoff';
export const SHIPPED_CRONJOB = 'golive';

/**
 * Manifests from `golive k8s render` (e.g. the k6 flavour, which k8s/ does not ship) through the
 * SAME patches as the test overlay (read from its kustomization.yaml, one source of truth), then
 * applied; returns kubectl's warnings.
 */
export async function applyRendered(env: NodeEnv, manifests: string): Promise<string> {
  const overlay = parse(await readFile(join(OVERLAY, 'kustomization.yaml'), 'utf8')) as { patches?: unknown[] };
  if (!overlay.patches?.length) throw new Error('the test overlay has no patches');
  const dir = await mkdtemp(join(tmpdir(), 'golive-rendered-'));
  try {
    await writeFile(join(dir, 'golive.yaml'), manifests);
    await writeFile(join(dir, 'kustomization.yaml'), stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['golive.yaml'], patches: overlay.patches }));
    const rendered = (await env.kubectl(['kustomize', dir])).stdout;
    // Server-side: a client-side apply copies each object into an annotation, and the k6
    // flavour's ConfigMap (the bundled script) is over the 256 KiB an annotation may hold.
    return (await env.kubectl(['apply', '--server-side', '-f', '-'], rendered)).stderr;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
