/**
 * Loads a k6 scenario in Node for unit tests (the real k6 runs them in the
 * end-to-end tests): the script is bundled
 * exactly as src/engine/k6/bundle.mjs bundles it, except that `k6`, `k6/http` and
 * `k6/execution` resolve to the doubles in test/doubles/k6. Node-only globals
 * are shadowed to `undefined` in the bundle, so a script (or anything it
 * inlines) that needs one fails here as it would inside k6.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';
import { k6BuildOptions } from '../../../src/engine/k6/bundle.mjs';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
const DOUBLES = import.meta.dirname;

const k6Doubles: Plugin = {
  name: 'k6-doubles',
  setup(b) {
    const map: Record<string, string> = { k6: 'k6.ts', 'k6/http': 'http.ts', 'k6/execution': 'execution.ts', 'k6/metrics': 'metrics.ts', 'k6/data': 'data.ts' };
    b.onResolve({ filter: /^k6(\/.*)?$/ }, (args) => {
      const file = map[args.path];
      if (file === undefined) return { errors: [{ text: `no test double for ${args.path}` }] };
      return { path: join(DOUBLES, file) };
    });
  },
};

/** Globals Node has and k6 does not. */
export const NODE_ONLY_GLOBALS = ['process', 'Buffer', 'require', 'URL', 'URLSearchParams', 'fetch', 'structuredClone', 'setImmediate'];

const cache = new Map<string, string>();
const GLOBAL_NAME = '__goliveK6Module';

async function bundleText(entry: string): Promise<string> {
  const hit = cache.get(entry);
  if (hit !== undefined) return hit;
  const base = k6BuildOptions(ROOT);
  const entryPath = base.entryPoints[entry];
  if (entryPath === undefined) throw new Error(`no k6 entry named ${entry}`);
  const out = await build({
    ...base,
    entryPoints: [entryPath],
    external: [],
    plugins: [...base.plugins, k6Doubles],
    // An IIFE evaluated by `new Function` (below): a fresh instance per call
    // without going through vitest's module transform (400 KB each time).
    format: 'iife',
    globalName: GLOBAL_NAME,
    banner: { js: `var ${NODE_ONLY_GLOBALS.map((g) => `${g} = void 0`).join(', ')};` },
    footer: { js: `return ${GLOBAL_NAME};` },
    write: false,
    outdir: '/nonexistent',
  });
  const text = out.outputFiles[0]?.text;
  if (text === undefined) throw new Error(`esbuild wrote nothing for ${entry}`);
  cache.set(entry, text);
  return text;
}

export interface K6Module {
  options: Record<string, unknown> & {
    thresholds?: Record<string, string[]>;
    scenarios?: Record<string, Record<string, unknown>>;
  };
  default?: () => void;
  setup?: () => unknown;
  load?: (data: unknown) => void;
  idle?: () => void;
  handleSummary: (data: unknown) => Record<string, string>;
  LOAD_SKIPPED?: string;
}

/**
 * A fresh module instance per call (k6 reads `__ENV` once, at init), with
 * `__ENV` given as k6 gives it: a global of the script.
 */
export async function loadScenario(entry: string, env: Record<string, string>): Promise<K6Module> {
  const text = await bundleText(entry);
  const factory = new Function('__ENV', text) as (env: Record<string, string>) => K6Module;
  return factory({ ...env });
}
