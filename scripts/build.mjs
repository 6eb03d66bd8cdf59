#!/usr/bin/env node
// Bundles the CLI entry points with esbuild (fast start-up: one file per entry,
// dependencies stay in node_modules). `--k6` also bundles the k6 scenarios.
import { build } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entries = {
  golive: 'src/cli/main.ts',
  'reference-api': 'src/reference-api/main.ts',
  bench: 'scripts/bench/main.ts',
  // a load worker thread (--workers N) starts from its own file
  'load-worker': 'src/net/load/workers/worker-main.ts',
};

const present = Object.fromEntries(
  Object.entries(entries).filter(([, p]) => existsSync(join(root, p))).map(([k, p]) => [k, join(root, p)]),
);

// Hashed chunk names change with the code: drop the old ones first.
rmSync(join(root, 'dist', 'chunks'), { recursive: true, force: true });

await build({
  entryPoints: present,
  outdir: join(root, 'dist'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  // Split so commands and optional phases load only when used: `golive --help` stays fast.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});

if (process.argv.includes('--k6')) {
  const { buildK6 } = await import('../src/engine/k6/bundle.mjs');
  await buildK6(root);
}
