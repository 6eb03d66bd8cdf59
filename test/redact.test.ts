/**
 * The one URL redaction (src/core/redact.ts) and every place that prints or
 * writes a URL: console, summary.json, junit.xml, report.html, --emit-result,
 * error lines. Each secret below must appear nowhere.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeError, GoliveError } from '../src/core/errors.js';
import { redactUrl, redactUrls, urlCredentialParts } from '../src/core/redact.js';
import { formatEmittedResult } from '../src/k8s/result-markers.js';
import { renderConsole } from '../src/reporters/console.js';
import { renderHtml } from '../src/reporters/html.js';
import { renderJson } from '../src/reporters/json.js';
import { renderJunit } from '../src/reporters/junit.js';
import { failedRun, recordRealRuns } from './fixtures/run-result.js';
import { runCli, spawnReferenceApi } from './support/processes.js';

// Long enough not to turn up by chance in the base64 of the encoded histograms.
const SECRETS = ['pw-Zq8', 'p@ss', 'KEY123', 'TOK456', 'FRAG789', 'alice'];
const leaked = (text: string) => SECRETS.filter((s) => text.includes(s));

describe('redactUrl', () => {
  it.each([
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['https://api.example/api/v1/write', 'https://api.example/api/v1/write'],
    ['http://alice:pw-Zq8@host:9091/metrics', 'http://host:9091/metrics'],
    ['http://alice:p@ss@host/', 'http://host/'],
    ['https://alice:p@ss@w@host:443/x', 'https://host:443/x'],
    ['http://host/a@b?mail=x@y', 'http://host/a@b?mail=***'],
    ['http://alice@host', 'http://host'],
    ['http://host/?api_key=KEY123', 'http://host/?api_key=***'],
    ['http://host/p?a=1&token=TOK456', 'http://host/p?a=***&token=***'],
    ['http://host/p?KEY123', 'http://host/p?***'],
    ['http://host/p#access_token=FRAG789', 'http://host/p#***'],
    ['http://alice:pw-Zq8@host/?api_key=KEY123#FRAG789', 'http://host/?api_key=***#***'],
  ])('%s -> %s', (raw, want) => {
    expect(redactUrl(raw)).toBe(want);
  });

  it('an unparsable URL still loses its userinfo and query values', () => {
    expect(redactUrl('http://alice:p@ss@host:notaport/?api_key=KEY123')).toBe('http://host:notaport/?api_key=***');
    expect(leaked(redactUrl('ht!tp://alice:pw-Zq8@@host?KEY123'))).toEqual([]);
  });

  it('names what a URL would carry into a manifest', () => {
    expect(urlCredentialParts('http://host:80/x')).toEqual([]);
    expect(urlCredentialParts('http://a:p@ss@host/?k=v#f')).toEqual(['userinfo', 'query', 'fragment']);
  });
});

describe('redactUrls in free text', () => {
  it('finds every URL, also inside quotes, JSON and k6 log lines', () => {
    const text = [
      'GET http://alice:p@ss@host/health failed',
      'time="x" level=warn msg="Request Failed" error="Get \\"http://host/?api_key=KEY123\\": dial tcp"',
      '{"url":"https://alice:pw-Zq8@h/?token=TOK456"}',
      '<a href="http://h/#FRAG789">',
    ].join('\n');
    const out = redactUrls(text);
    expect(leaked(out)).toEqual([]);
    expect(out).toContain('GET http://host/health failed');
    expect(out).toContain('http://host/?api_key=***');
  });

  it('leaves text without URLs alone', () => {
    expect(redactUrls('p(95)<500 on http_req_duration{phase:load}: a@b')).toBe('p(95)<500 on http_req_duration{phase:load}: a@b');
  });

  it('error lines are redacted', () => {
    expect(leaked(describeError(new GoliveError('GOLIVE_ENGINE_ERROR', 'connect to http://alice:p@ss@host/?api_key=KEY123 failed')))).toEqual([]);
    expect(leaked(describeError(new Error('fetch http://alice:pw-Zq8@host/?token=TOK456')))).toEqual([]);
  });
});

describe('every report and the emitted result', () => {
  beforeAll(recordRealRuns, 120_000);
  const hostile = () => {
    const r = failedRun();
    r.golive.target = 'http://alice:p@ss@host:8080/?api_key=KEY123#FRAG789';
    const check = r.golive.checks.find((c) => c.fails > 0);
    if (check) check.reasons = ['redirected to https://alice:pw-Zq8@evil/?token=TOK456'];
    r.golive.error = 'GET http://alice:pw-Zq8@host/?api_key=KEY123 failed';
    return r;
  };
  it.each([
    ['console', () => renderConsole(hostile(), { color: false })],
    ['summary.json', () => renderJson(hostile())],
    ['junit.xml', () => renderJunit(hostile())],
    ['report.html', () => renderHtml(hostile())],
    ['--emit-result', () => formatEmittedResult(hostile())],
  ])('%s carries no credential', (_name, render) => {
    const text = render();
    expect(leaked(text)).toEqual([]);
    expect(text).toMatch(/host:8080\/\?api_key=\*\*\*|evil\/\?token=\*\*\*/);
  });
});

describe('golive check --emit-result with credentials in the target URL (real CLI, real reference API)', () => {
  it('prints and writes the target only redacted', async () => {
    const api = await spawnReferenceApi('t0k');
    try {
      const out = await mkdtemp(join(tmpdir(), 'golive-redact-'));
      const target = `${api.url.replace('http://', 'http://alice:p@ss@')}/?api_key=KEY123#FRAG789`;
      const res = await runCli(['check', '--target', target, '--requests', '20', '--out', out, '--emit-result', '--no-color'], { env: { GOLIVE_TOKEN: 't0k' } });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toContain('---GOLIVE-RESULT-BEGIN---');
      expect(res.stdout).toContain(`target ${api.url}/?api_key=***#*** `);
      const texts = [res.stdout, res.stderr];
      for (const f of await readdir(out)) texts.push(await readFile(join(out, f), 'utf8'));
      expect(texts.flatMap(leaked)).toEqual([]);
    } finally {
      await api.stop();
    }
  });
});
