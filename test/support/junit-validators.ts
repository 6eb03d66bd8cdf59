/**
 * What a CI system does with junit.xml, done for real: Jenkins' xunit
 * `junit-10.xsd` through `xmllint --schema`, and three readers CI plugins use
 * (junitparser under python3, junit2json, test-results-parser), each asked for
 * the counts per suite. The schema and junitparser come pinned from
 * scripts/setup/junit-validators.sh; a missing one fails naming that command.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { parse as junit2json } from 'junit2json';
import { parse as trpParse } from 'test-results-parser';
import { expect } from 'vitest';
import { ROOT } from './processes.js';

const run = promisify(execFile);
export const JUNIT_SETUP = 'bash scripts/setup/junit-validators.sh';

export interface Counts { tests: number; failures: number; errors: number; skipped: number }
/** One <testsuite> as a reader saw it: the counts its attributes claim and those of its cases. */
export interface SuiteReading { name: string; attrs: Counts; cases: Counts }

let paths: { xsd: string; junitparser: string } | undefined;

export function junitTools(): { xsd: string; junitparser: string } {
  if (paths) return paths;
  const out = spawnSync('bash', [join(ROOT, 'scripts', 'setup', 'junit-validators.sh'), '--print-paths'], { encoding: 'utf8' }).stdout;
  const get = (k: string) => out.split('\n').find((l) => l.startsWith(`${k}=`))?.slice(k.length + 1) ?? '';
  const found = { xsd: get('xsd'), junitparser: get('junitparser') };
  const missing = [found.xsd, join(found.junitparser, 'junitparser')].filter((p) => p === '' || !existsSync(p));
  if (missing.length) throw new Error(`missing ${missing.join(', ')}: run '${JUNIT_SETUP}' (npm test runs it as pretest)`);
  const xmllint = spawnSync('xmllint', ['--version'], { encoding: 'utf8' });
  if (xmllint.error) throw new Error("xmllint is missing: run 'apt-get install -y libxml2-utils' (scripts/setup/test-deps.sh does)");
  paths = found;
  return found;
}

/** xmllint's verdict on each file: '' when it validates, else its error lines. */
export async function xsdErrors(files: readonly string[]): Promise<Record<string, string>> {
  const { xsd } = junitTools();
  const out: Record<string, string> = {};
  // One process per file: xmllint's exit code is the worst of all files, and its lines need telling apart.
  for (const f of files) {
    try {
      await run('xmllint', ['--noout', '--schema', xsd, f], { timeout: 30_000 });
      out[f] = '';
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      out[f] = (err.stderr ?? err.message).trim() || err.message;
    }
  }
  return out;
}

export async function junitparserRead(files: readonly string[]): Promise<Record<string, SuiteReading[]>> {
  const { junitparser } = junitTools();
  const { stdout } = await run('python3', [join(ROOT, 'test', 'support', 'junitparser-read.py'), ...files], {
    env: { ...process.env, PYTHONPATH: junitparser }, timeout: 60_000, maxBuffer: 16 << 20,
  });
  return JSON.parse(stdout) as Record<string, SuiteReading[]>;
}

interface J2jCase { failure?: unknown[]; error?: unknown[]; skipped?: unknown[] }
interface J2jSuite { name: string; tests?: number; failures?: number; errors?: number; skipped?: number; testcase?: J2jCase[] }

export async function junit2jsonRead(file: string): Promise<SuiteReading[]> {
  const doc = await junit2json(await readFile(file, 'utf8')) as { testsuite?: J2jSuite[] } | undefined;
  return (doc?.testsuite ?? []).map((s) => {
    const cases = s.testcase ?? [];
    const n = (k: keyof J2jCase) => cases.filter((c) => (c[k]?.length ?? 0) > 0).length;
    return {
      name: s.name,
      attrs: { tests: s.tests ?? NaN, failures: s.failures ?? NaN, errors: s.errors ?? NaN, skipped: s.skipped ?? 0 },
      cases: { tests: cases.length, failures: n('failure'), errors: n('error'), skipped: n('skipped') },
    };
  });
}

/**
 * test-results-parser's own terms: `total` leaves the skipped out, `failed` is the failures,
 * and a case with <failure> or <error> is FAIL. Mapped back to JUnit's counts to compare.
 */
export function testResultsParserRead(file: string): { suites: SuiteReading[]; total: Counts } {
  const r = trpParse({ type: 'junit', files: [file] });
  const suites = r.suites.map((s) => ({
    name: s.name,
    attrs: { tests: Number(s.total) + Number(s.skipped), failures: Number(s.failed), errors: Number(s.errors), skipped: Number(s.skipped) },
    cases: {
      tests: s.cases.length,
      // failures and errors alike
      failures: s.cases.filter((c) => c.status === 'FAIL').length,
      errors: 0,
      skipped: s.cases.filter((c) => c.status === 'SKIP').length,
    },
  }));
  return { suites, total: { tests: r.total + r.skipped, failures: r.failed, errors: r.errors, skipped: r.skipped } };
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) });
interface XSuite { name: string; tests: string; failures: string; errors: string; skipped: string; testcase?: Array<Record<string, unknown>> }

/** The counts golive wrote on each suite, and those of the cases it wrote there. */
export function goliveRead(text: string): SuiteReading[] {
  const doc = xml.parse(text) as { testsuites: { testsuite?: XSuite[] } };
  return (doc.testsuites.testsuite ?? []).map((s) => {
    const cases = s.testcase ?? [];
    const n = (k: string) => cases.filter((c) => k in c).length;
    return {
      name: s.name,
      attrs: { tests: Number(s.tests), failures: Number(s.failures), errors: Number(s.errors), skipped: Number(s.skipped) },
      cases: { tests: cases.length, failures: n('failure'), errors: n('error'), skipped: n('skipped') },
    };
  });
}

export function sum(rows: readonly Counts[]): Counts {
  return rows.reduce((a, c) => ({ tests: a.tests + c.tests, failures: a.failures + c.failures, errors: a.errors + c.errors, skipped: a.skipped + c.skipped }),
    { tests: 0, failures: 0, errors: 0, skipped: 0 });
}

/**
 * The whole check for one file: valid against junit-10.xsd, and every reader sees, suite by
 * suite, the counts golive wrote, which are those of the cases it wrote. Returns the totals
 * and the suites' names. `read`: the schema's and junitparser's answers when read in one batch.
 */
export async function expectJunitHolds(file: string, read?: { xsd: string; junitparser: SuiteReading[] }): Promise<{ total: Counts; suites: string[] }> {
  expect(read ? read.xsd : (await xsdErrors([file]))[file], `${file} against junit-10.xsd`).toBe('');
  const golive = goliveRead(await readFile(file, 'utf8'));
  for (const s of golive) expect(s.attrs, `${file}: suite ${s.name}'s counts and its cases`).toEqual(s.cases);
  const want = golive.map((s) => ({ name: s.name, attrs: s.attrs, cases: s.cases }));
  expect(read ? read.junitparser : (await junitparserRead([file]))[file], `junitparser on ${file}`).toEqual(want);
  expect(await junit2jsonRead(file), `junit2json on ${file}`).toEqual(want);
  const trp = testResultsParserRead(file);
  // test-results-parser marks a case with <error> FAIL like one with <failure>, and leaves out
  // a suite without cases (a load stage without thresholds has only its figures).
  const asTrp = want.filter((s) => s.cases.tests > 0).map((s) => ({ ...s, cases: { ...s.cases, failures: s.cases.failures + s.cases.errors, errors: 0 } }));
  expect(trp.suites, `test-results-parser on ${file}`).toEqual(asTrp);
  const total = sum(golive.map((s) => s.attrs));
  expect(trp.total, `test-results-parser's totals on ${file}`).toEqual(total);
  return { total, suites: golive.map((s) => s.name) };
}
