/**
 * The container images the tests run, as scripts/image/build-all.sh builds them (docker
 * archives plus the ref each carries; cached by the hash of their inputs, so this is quick
 * after `npm test`'s pretest). A failed build fails the caller with the script's own error.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './processes.js';

const run = promisify(execFile);

export const IMAGES_SETUP = 'bash scripts/image/build-all.sh';

export interface BuiltImage {
  /** A docker-archive: `ctr -n k8s.io images import` loads it under `ref`. */
  archive: string;
  ref: string;
}
export interface BuiltImages { base: BuiltImage; runner: BuiltImage; k6: BuiltImage }

/** Parses build-all.sh's closing lines, `<name>=<archive> <ref>`. */
export function parseBuiltImages(stdout: string): BuiltImages {
  const found = new Map<string, BuiltImage>();
  for (const line of stdout.split('\n')) {
    const m = /^(base|runner|k6)=(\S+) (\S+)$/.exec(line.trim());
    if (m) found.set(m[1]!, { archive: m[2]!, ref: m[3]! });
  }
  const get = (name: string): BuiltImage => {
    const image = found.get(name);
    if (!image) throw new Error(`${IMAGES_SETUP} printed no ${name}= line:\n${stdout.slice(-2000)}`);
    return image;
  };
  return { base: get('base'), runner: get('runner'), k6: get('k6') };
}

let built: Promise<BuiltImages> | undefined;

/** Builds what is missing (minutes cold, under a second cached) and returns the archives. */
export function builtImages(): Promise<BuiltImages> {
  built ??= run('bash', [join(ROOT, 'scripts', 'image', 'build-all.sh')], { timeout: 900_000, maxBuffer: 16 << 20 })
    .then(({ stdout }) => parseBuiltImages(stdout))
    .catch((err: unknown) => {
      built = undefined;
      const e = err as { stderr?: string; message?: string };
      throw new Error(`${IMAGES_SETUP} failed: ${(e.stderr ?? e.message ?? String(err)).slice(-3000)}`);
    });
  return built;
}
