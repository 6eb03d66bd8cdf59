/**
 * The node runner image as a user builds it: k8s/runner/Dockerfile built by buildah over the
 * locally assembled base (scripts/image/), exported as the docker archive a node imports.
 * Checked from the outside (the image config skopeo reads from the archive, its unpacked
 * root file system) and by running it under runc the way the pods run it: uid 65532, a
 * read-only root, no capabilities. Containerd and a kubelet run it in test/k8s/real-node.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { NODE_RUNNER_ENTRY, NODE_RUNNER_IMAGE } from '../../src/k8s/names.js';
import { RUNNER_UID } from '../../src/k8s/security.js';
import { builtImages, type BuiltImages } from '../support/images.js';
import { ROOT } from '../support/processes.js';

const run = promisify(execFile);
// mmdebstrap, buildah's chroot isolation and runc all need root; a machine without it cannot build or run these.
const isRoot = process.getuid?.() === 0;

interface OciProcess { args: string[]; user: { uid: number; gid: number }; cwd: string; terminal: boolean; capabilities?: Record<string, string[]> }
interface OciSpec { process: OciProcess; root: { path: string; readonly?: boolean } }

describe.skipIf(!isRoot)('the runner image (k8s/runner/Dockerfile, built by scripts/image/ without Docker)', () => {
  let images: BuiltImages;
  let work: string;
  const bundle = () => join(work, 'bundle');
  const rootfs = () => join(bundle(), 'rootfs');
  let spec: OciSpec;
  let n = 0;

  beforeAll(async () => {
    images = await builtImages();
    work = mkdtempSync(join(tmpdir(), 'golive-runner-image-'));
    // The archive as a node would get it, unpacked into a runtime bundle (umoci writes the
    // runtime config from the image config: user, cwd, env, entrypoint).
    await run('skopeo', ['copy', '--quiet', `docker-archive:${images.runner.archive}`, `oci:${join(work, 'oci')}:runner`], { timeout: 300_000 });
    await run('umoci', ['unpack', '--image', `${join(work, 'oci')}:runner`, bundle()], { timeout: 300_000, maxBuffer: 64 << 20 });
    spec = JSON.parse(readFileSync(join(bundle(), 'config.json'), 'utf8')) as OciSpec;
  }, 900_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Runs argv in the image under runc as the pod would: the image's user, read-only root, no capabilities. */
  async function runInImage(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const none = { bounding: [], effective: [], inheritable: [], permitted: [], ambient: [] };
    const config = { ...spec, process: { ...spec.process, args, terminal: false, capabilities: none }, root: { ...spec.root, readonly: true } };
    writeFileSync(join(bundle(), 'config.json'), JSON.stringify(config));
    const id = `golive-image-test-${process.pid}-${++n}`;
    try {
      const { stdout, stderr } = await run('runc', ['--root', join(work, 'runc'), 'run', '--bundle', bundle(), id], { timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: unknown; stdout?: string; stderr?: string };
      if (typeof e.code !== 'number') throw err;
      return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  }

  it('carries the name the shipped Job and CronJob use, so a node that imported it runs them unchanged', () => {
    expect(images.runner.ref).toBe(NODE_RUNNER_IMAGE);
    const job = parse(readFileSync(join(ROOT, 'k8s', 'job.yaml'), 'utf8')) as { spec: { template: { spec: { containers: { image: string }[] } } } };
    expect(job.spec.template.spec.containers[0]!.image).toBe(images.runner.ref);
  });

  it('has the Dockerfile\'s user, entrypoint and working directory in its config', async () => {
    const { stdout } = await run('skopeo', ['inspect', '--config', `docker-archive:${images.runner.archive}`], { timeout: 120_000 });
    const config = (JSON.parse(stdout) as { config: { User?: string; Entrypoint?: string[]; WorkingDir?: string; Env?: string[] } }).config;
    expect(config.User).toBe(`${RUNNER_UID}:${RUNNER_UID}`);
    expect(config.Entrypoint).toEqual([...NODE_RUNNER_ENTRY, 'check']);
    expect(config.WorkingDir).toBe('/app');
    expect(config.Env).toContain('NODE_ENV=production');
    expect(spec.process.user).toEqual({ uid: RUNNER_UID, gid: RUNNER_UID });
  });

  it('holds the bundle built from this checkout\'s source (the same bytes esbuild gives here)', () => {
    const inImage = join(rootfs(), 'app', 'dist');
    expect(readFileSync(join(inImage, 'golive.js'))).toEqual(readFileSync(join(ROOT, 'dist', 'golive.js')));
    // Chunk names carry a content hash: the same set means the same code throughout.
    const chunks = (dir: string) => readdirSync(join(dir, 'chunks')).filter((f) => f.endsWith('.js')).sort();
    expect(chunks(inImage)).toEqual(chunks(join(ROOT, 'dist')));
    // Runtime dependencies only (npm ci --omit=dev): the test runner is not in the image.
    expect(readdirSync(join(rootfs(), 'app', 'node_modules'))).not.toContain('vitest');
  });

  it('runs golive as uid 65532 under runc with a read-only root', async () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const r = await runInImage([...NODE_RUNNER_ENTRY, '--version']);
    expect(r, r.stderr).toMatchObject({ code: 0 });
    expect(r.stdout.trim()).toBe(`golive ${version}`);
    const who = await runInImage(['sh', '-c', 'id -u; id -g; pwd; touch /app/probe']);
    expect(who.stdout.split('\n').slice(0, 3)).toEqual([String(RUNNER_UID), String(RUNNER_UID), '/app']);
    expect(who.code).not.toBe(0);
    expect(who.stderr).toContain('Read-only file system');
  });
});
