// The real runner image, built from k8s/runner/Dockerfile by scripts/image/runner.sh
// (buildah over a locally assembled base, cached by the hash of its inputs).
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '../../../..');

export interface ImageArchive { archive: string; ref: string }

/** The runner image's archive and name; builds it on a cold cache (minutes), else instant. */
export async function runnerImage(): Promise<ImageArchive> {
  const out = await run('bash', ['scripts/image/runner.sh'], { cwd: REPO, timeout: 1_200_000, maxBuffer: 16 << 20 }).catch((e: { stderr?: string; message: string }) => {
    throw new Error(`\`bash scripts/image/runner.sh\` failed: ${(e.stderr ?? e.message).trim().split('\n').slice(-5).join(' | ')}`);
  });
  const [archive, ref] = (out.stdout.trim().split('\n').pop() ?? '').split(' ');
  if (!archive || !ref) throw new Error(`scripts/image/runner.sh printed no "<archive> <ref>" line: ${out.stdout.slice(-300)}`);
  return { archive, ref };
}
