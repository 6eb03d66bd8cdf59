/**
 * Keeps a copy of every junit.xml (and signoff-junit.xml) a test's CLI run wrote into its
 * `--out` directory, so that test/junit-collected.test.ts, run after every other file, can hold
 * each one against junit-10.xsd and the CI readers. The directory comes from the vitest global
 * setup (GOLIVE_TEST_JUNIT_DIR, which the CLI children never see); without it nothing is kept.
 */
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const JUNIT_COLLECT_ENV = 'GOLIVE_TEST_JUNIT_DIR';
const FILES = ['junit.xml', 'signoff-junit.xml'];
let n = 0;

function outDir(args: readonly string[]): string | undefined {
  const i = args.indexOf('--out');
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith('--out='))?.slice('--out='.length);
}

export function collectJunit(args: readonly string[], cwd: string): void {
  const into = process.env[JUNIT_COLLECT_ENV];
  const out = outDir(args);
  if (!into || !out || !existsSync(into)) return;
  for (const f of FILES) {
    const file = join(resolve(cwd, out), f);
    if (!existsSync(file)) continue;
    const name = `${process.pid}-${++n}-${f}`;
    copyFileSync(file, join(into, name));
    // What wrote it, for the failure message (the test's own tokens at most; env is not kept).
    writeFileSync(join(into, `${name}.args`), `golive ${args.join(' ')}\n`);
  }
}
