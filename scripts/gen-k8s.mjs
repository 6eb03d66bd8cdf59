#!/usr/bin/env node
// Writes the kustomize base in k8s/ from the builders in src/k8s/ (bundled on the fly
// with esbuild, since Node 20 cannot import TypeScript). `--check` only compares and
// exits 1 when a committed file is stale; test/k8s/manifests-sync.test.ts does the same.
import { build } from 'esbuild';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Inside the repo so the bundle's external imports (yaml, zod) resolve from node_modules.
await mkdir(join(root, 'node_modules', '.cache'), { recursive: true });
const dir = await mkdtemp(join(root, 'node_modules', '.cache', 'golive-gen-k8s-'));
try {
  const out = join(dir, 'base.mjs');
  await build({ entryPoints: [join(root, 'src/k8s/base-manifests.ts')], outfile: out, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'warning' });
  const { baseFiles } = await import(pathToFileURL(out).href);
  const check = process.argv.includes('--check');
  const stale = [];
  for (const [rel, text] of Object.entries(baseFiles())) {
    const path = join(root, rel);
    const cur = await readFile(path, 'utf8').catch(() => undefined);
    if (cur === text) continue;
    if (check) stale.push(rel);
    else {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
      console.log(`wrote ${rel}`);
    }
  }
  if (stale.length > 0) {
    console.error(`stale: ${stale.join(', ')}; run: node scripts/gen-k8s.mjs`);
    process.exitCode = 1;
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
