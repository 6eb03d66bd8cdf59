// Bundles each k6 scenario (scenarios/k6/*.ts, one file per entry) into
// dist/k6/<name>.js. k6 runs ES modules in its own JS runtime (sobek), not
// Node: `k6` and `k6/*` stay external imports that k6 resolves itself, while
// everything else (the shared checks, thresholds, zod) is inlined. The
// platform is neutral so nothing Node-specific can sneak in unnoticed: a
// `node:` import fails the build instead of failing later inside k6.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** k6 v0.52+ runs ES2020+ natively; older syntax would only cost bundle size. */
export const K6_TARGET = 'es2020';
export const K6_EXTERNALS = ['k6', 'k6/*'];

/** Top-level `*.ts` files are entries; helpers live in `scenarios/k6/lib/`. */
export function k6Entries(root) {
  const dir = join(root, 'scenarios', 'k6');
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
      .sort()
      .map((f) => [f.slice(0, -3), join(dir, f)]),
  );
}

/**
 * zod's `z` namespace re-exports every locale (~360 KB of translations), and
 * every k6 VU compiles the whole bundle: keep English (zod's default, which
 * our check messages rely on) and drop the rest. `z.locales.xx` other than
 * `en` is therefore unavailable in k6 scripts.
 */
export const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)) return undefined;
      return { path: join(dirname(args.importer), args.path), namespace: 'zod-locales' };
    });
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(join(dirname(args.path), 'en.js'))};`,
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

/** Shared esbuild options, so the tests bundle exactly what ships (plus an alias plugin). */
export function k6BuildOptions(root) {
  return {
    entryPoints: k6Entries(root),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: K6_TARGET,
    external: K6_EXTERNALS,
    // neutral platform has no default main fields; zod publishes `module`/`main`.
    mainFields: ['module', 'main'],
    conditions: ['import', 'default'],
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [zodEnglishOnly],
  };
}

/**
 * @param {string} root repository root
 * @param {{ outDir?: string }} [opts] where to write (default `<root>/dist/k6`)
 * @returns {Promise<string[]>} the written bundle paths
 */
export async function buildK6(root, opts = {}) {
  const outdir = opts.outDir ?? join(root, 'dist', 'k6');
  const options = k6BuildOptions(root);
  await build({ ...options, outdir, metafile: false });
  return Object.keys(options.entryPoints).map((name) => join(outdir, `${name}.js`));
}

/**
 * One entry to one file, for the `k6` engine adapter (it bundles at run time,
 * so a run never uses a stale dist/k6).
 * @returns {Promise<string>} outFile
 */
export async function bundleK6Entry(root, name, outFile) {
  const options = k6BuildOptions(root);
  const entry = options.entryPoints[name];
  if (entry === undefined) throw new Error(`no k6 scenario named ${name} in scenarios/k6`);
  await build({ ...options, entryPoints: [entry], outfile: outFile });
  return outFile;
}
