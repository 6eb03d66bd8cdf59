/**
 * Every junit.xml and signoff-junit.xml that the suite's CLI runs wrote (runCli keeps a copy
 * of each, test/support/junit-collect.ts), held against Jenkins' junit-10.xsd and read by
 * junitparser, junit2json and test-results-parser with golive's own counts. Runs after every
 * other file (its own vitest project); run alone, it has nothing to read and says so.
 * test/junit-validators.test.ts makes each kind of report itself.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JUNIT_COLLECT_ENV } from './support/junit-collect.js';
import { expectJunitHolds, junitparserRead, xsdErrors } from './support/junit-validators.js';

const dir = process.env[JUNIT_COLLECT_ENV] ?? '';
// One copy of each distinct file: many runs write the same bytes.
const seen = new Set<string>();
const files = (dir ? readdirSync(dir) : []).filter((f) => f.endsWith('.xml')).map((f) => join(dir, f)).filter((f) => {
  const h = createHash('sha256').update(readFileSync(f)).digest('hex');
  return seen.has(h) ? false : (seen.add(h), true);
});

describe('every junit.xml the test suite wrote', () => {
  it.skipIf(files.length > 0)('nothing was collected: this file ran without the rest of the suite', () => {
    expect(files).toEqual([]);
  });

  it.runIf(files.length > 0)(`${files.length} distinct files: valid against junit-10.xsd, and each reader counts what golive counted`, async () => {
    const xsd = await xsdErrors(files);
    const jp = await junitparserRead(files);
    const bad: string[] = [];
    for (const f of files) {
      try {
        await expectJunitHolds(f, { xsd: xsd[f] ?? 'not validated', junitparser: jp[f] ?? [] });
      } catch (e) {
        bad.push(`${readFileSync(`${f}.args`, 'utf8').trim()}\n${(e as Error).message.split('\n').slice(0, 12).join('\n')}`);
      }
    }
    expect(bad).toEqual([]);
  }, 300_000);
});
