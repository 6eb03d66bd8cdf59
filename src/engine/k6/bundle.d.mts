// Types of bundle.mjs, for the TypeScript callers (the k6 engine adapter, tests).
import type { BuildOptions, Plugin } from 'esbuild';

export declare const K6_TARGET: string;
export declare const K6_EXTERNALS: string[];
export declare const zodEnglishOnly: Plugin;
export declare function k6Entries(root: string): Record<string, string>;
export declare function k6BuildOptions(root: string): BuildOptions & {
  entryPoints: Record<string, string>;
  plugins: Plugin[];
};
export declare function buildK6(root: string, opts?: { outDir?: string }): Promise<string[]>;
export declare function bundleK6Entry(root: string, name: string, outFile: string): Promise<string>;
