// The images a node test imports, hard-linked out of the shared cache at once. Several checkouts
// share ~/.cache/golive, and each image build prunes old entries (scripts/image/lib.sh): an
// entry this test was handed could vanish before containerd reads it (seen: ENOENT on import,
// 20 s after the build script had printed the path). A hard link keeps the file for us.
import { execFile } from 'node:child_process';
import { link, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { builtImages, parseBuiltImages, type BuiltImage, type BuiltImages } from '../../../support/images.js';
import { ROOT } from '../../../support/processes.js';

const run = promisify(execFile);

export interface PinnedImages {
  images: Record<keyof BuiltImages, BuiltImage>;
  release(): Promise<void>;
}

export async function pinImages(): Promise<PinnedImages> {
  const dir = await mkdtemp(join(tmpdir(), 'golive-images-'));
  try {
    for (let attempt = 0; ; attempt++) {
      // The memoized paths first; if one was pruned meanwhile, ask the build script afresh (it rebuilds what is missing).
      const built = attempt === 0 ? await builtImages()
        : parseBuiltImages((await run('bash', [join(ROOT, 'scripts/image/build-all.sh')], { timeout: 900_000, maxBuffer: 16 << 20 })).stdout);
      try {
        const images = {} as Record<keyof BuiltImages, BuiltImage>;
        for (const name of ['base', 'runner', 'k6'] as const) {
          const to = join(dir, `${name}.tar`);
          await rm(to, { force: true });
          await link(built[name].archive, to);
          images[name] = { archive: to, ref: built[name].ref };
        }
        return { images, release: () => rm(dir, { recursive: true, force: true }) };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 2) throw e;
      }
    }
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
