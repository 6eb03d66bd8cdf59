/**
 * Rules that used to have several copies now have one definition each; these
 * tests pin the definition so a second copy has nothing to drift from.
 */
import { describe, expect, it } from 'vitest';
import { firstLine } from '../src/core/errors.js';
import { newRunId } from '../src/core/run-id.js';
import { VERSION } from '../src/core/version.js';
import { VERSION as CLI_VERSION } from '../src/cli/io.js';
import { k6SegmentArgs, k6SegmentSequence } from '../src/engine/segment.js';
import { isValidRunId, jobName, newRunId as k8sRunId } from '../src/k8s/names.js';

describe('one definition each', () => {
  it('VERSION: the package version, the same object for the CLI and golive k8s', async () => {
    const pkg = JSON.parse(await (await import('node:fs/promises')).readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect(CLI_VERSION).toBe(VERSION);
  });

  it('run ids: one sortable format, valid in every Kubernetes name it ends up in', () => {
    const id = newRunId(new Date('2025-09-01T12:00:00.123Z'), '3fa2');
    expect(id).toBe('20250901-120000-3fa2');
    expect(k8sRunId).toBe(newRunId);
    expect(isValidRunId(newRunId())).toBe(true);
    expect(jobName(id)).toBe('golive-20250901-120000-3fa2');
  });

  it('the segment sequence: the runner arguments carry the same sequence as golive k8s', () => {
    expect(k6SegmentSequence(3)).toBe('0,1/3,2/3,1');
    expect(k6SegmentArgs({ index: 1, count: 3 }).sequence).toBe(k6SegmentSequence(3));
  });

  it('firstLine: the first line of an error or of a text', () => {
    expect(firstLine(new Error('a\nb'))).toBe('a');
    expect(firstLine('x\ny')).toBe('x');
  });
});
