#!/usr/bin/env node
// Rewrites the generated part of docs/configuration.md (keys, environment
// variables, flags) from the plan schema and the flag table
// (src/config/reference-doc.ts). test/config-reference.test.ts fails when the
// checked-in page differs from what this would write.
//   node scripts/config-docs.mjs
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Next to the sources, so zod resolves from the project's node_modules.
const dir = mkdtempSync(join(root, 'node_modules', '.config-docs-'));
try {
  const out = join(dir, 'reference-doc.mjs');
  await build({ entryPoints: [join(root, 'src', 'config', 'reference-doc.ts')], outfile: out, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent' });
  const { withReference } = await import(pathToFileURL(out).href);
  const page = join(root, 'docs', 'configuration.md');
  const before = readFileSync(page, 'utf8');
  const after = withReference(before);
  if (after !== before) writeFileSync(page, after);
  process.stdout.write(after === before ? 'docs/configuration.md is up to date\n' : 'docs/configuration.md rewritten\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
