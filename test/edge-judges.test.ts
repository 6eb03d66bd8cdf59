// The pure parts of the edge phase: the RFC 6797 header grammar, the DNS
// server flag, Ingress rule matching, and the default phase list.
import { describe, expect, it } from 'vitest';
import { parseDnsServer } from '../src/core/dns-server.js';
import { validatePlan } from '../src/config/validate.js';
import { judgeDns, ruleMatches } from '../src/phases/edge/dns.js';
import { parseHsts } from '../src/phases/edge/hsts.js';
import { edgeOutcome } from '../src/phases/edge/phase.js';
import { judgeRedirect } from '../src/phases/edge/redirect.js';

describe('parseHsts (RFC 6797 §6.1)', () => {
  it.each([
    ['max-age=31536000', { maxAgeSeconds: 31536000, includeSubDomains: false, preload: false }],
    ['MAX-AGE=10 ; includeSubDomains', { maxAgeSeconds: 10, includeSubDomains: true, preload: false }],
    ['max-age="600"; INCLUDESUBDOMAINS; preload', { maxAgeSeconds: 600, includeSubDomains: true, preload: true }],
    ['max-age=0;;', { maxAgeSeconds: 0, includeSubDomains: false, preload: false }],
    ['unknown="a;b"; max-age=5; future-directive', { maxAgeSeconds: 5, includeSubDomains: false, preload: false }],
  ])('%s is valid', (header, want) => {
    expect(parseHsts(header)).toEqual({ ok: true, ...want });
  });

  it.each([
    ['', 'no max-age directive (it is required)'],
    ['includeSubDomains', 'no max-age directive (it is required)'],
    ['max-age=abc', 'max-age is not a number of seconds'],
    ['max-age=-1', 'max-age is not a number of seconds'],
    ['max-age', 'max-age is not a number of seconds'],
    ['max-age=1; max-age=2', 'directive max-age appears more than once'],
    ['max-age=1; includeSubDomains; includesubdomains', 'directive includesubdomains appears more than once'],
    ['max-age="1', 'unterminated quoted string'],
    ['max-age=1; includeSubDomains=yes', 'includeSubDomains takes no value'],
    ['max age=1', 'directive name "max age" is not a token'],
    ['max-age=1 2', 'directive max-age has a malformed value'],
  ])('%j is malformed: %s', (header, error) => {
    expect(parseHsts(header)).toEqual({ ok: false, error });
  });
});

describe('parseDnsServer', () => {
  it.each([
    ['127.0.0.1', { ip: '127.0.0.1', port: 53 }],
    ['127.0.0.1:5353', { ip: '127.0.0.1', port: 5353 }],
    ['::1', { ip: '::1', port: 53 }],
    ['[::1]:5353', { ip: '::1', port: 5353 }],
  ])('%s', (text, want) => expect(parseDnsServer(text)).toEqual(want));

  it.each(['dns.example', '127.0.0.1:0', '127.0.0.1:70000', '300.1.1.1', '[::1]:x', '1.2.3.4:x', ''])('%j is not one', (text) => {
    expect(parseDnsServer(text)).toBeUndefined();
  });

  it('a bad --dns-server is a config error naming the flag, before any request', () => {
    expect(() => validatePlan({ target: 'https://a.example', phases: ['edge'], edge: { dnsServer: 'ns.example' } }))
      .toThrow(/^invalid config: edge\.dnsServer \(--dns-server\): expected IP\[:PORT\] of a DNS server/);
  });
});

describe('default phases', () => {
  it('an https:// target gets edge first; http:// does not; an explicit list is kept', () => {
    const env = { token: 't' };
    expect(validatePlan({ ...env, target: 'https://a.example' }).phases).toEqual(['edge', 'health', 'market-data', 'load']);
    expect(validatePlan({ ...env, target: 'http://a.example' }).phases).toEqual(['health', 'market-data', 'load']);
    expect(validatePlan({ ...env, target: 'https://a.example', phases: ['health'] }).phases).toEqual(['health']);
  });

  it('a warning window shorter than the failing one is a config error', () => {
    expect(() => validatePlan({ target: 'https://a.example', phases: ['edge'], edge: { certWarnDays: 5 } }))
      .toThrow(/^invalid config: edge\.certWarnDays: expected certWarnDays >= certFailDays$/);
  });

  it('edge defaults: port 80, warn 30 days, fail 7 days, HSTS one year, system resolver', () => {
    expect(validatePlan({ target: 'https://a.example', phases: ['edge'] }).edge).toEqual({ httpPort: 80, certWarnDays: 30, certFailDays: 7, hstsMinAgeSeconds: 31536000 });
  });
});

describe('judges', () => {
  it('Ingress rules match exactly or by a one-label wildcard', () => {
    expect(ruleMatches('app.example.com', 'APP.example.com')).toBe(true);
    expect(ruleMatches('*.example.com', 'app.example.com')).toBe(true);
    expect(ruleMatches('*.example.com', 'a.b.example.com')).toBe(false);
    expect(ruleMatches('*.example.com', 'example.com')).toBe(false);
  });

  it('DNS answers must include the Ingress address; a mismatch names both', () => {
    const lookup = { kind: 'answers' as const, a: ['127.0.0.1'], aaaa: [], lookupMs: 3 };
    const ok = judgeDns('app.test', '127.0.0.1:53', lookup, { namespace: 'ns', serving: [{ name: 'ns/web', addresses: ['127.0.0.1'] }] });
    expect(ok.check.status).toBe('passed');
    const bad = judgeDns('app.test', '127.0.0.1:53', lookup, { namespace: 'ns', serving: [{ name: 'ns/web', addresses: ['10.0.0.5'] }] });
    expect(bad.check.detail).toBe('app.test resolves to 127.0.0.1 but Ingress ns/web shows 10.0.0.5 (DNS server 127.0.0.1:53, 3 ms)');
    const none = judgeDns('app.test', 'system', lookup, { namespace: 'ns', serving: [] });
    expect(none.check.detail).toBe('no Ingress in namespace ns has a rule for app.test (system resolver, 3 ms)');
  });

  it('a relative or http:// Location fails; a Location on the same host with another port passes', () => {
    const url = 'http://a.test:80/health';
    expect(judgeRedirect(url, { kind: 'answer', status: 301, location: '/health' }, 'a.test').detail).toMatch(/which is not https:\/\/$/);
    expect(judgeRedirect(url, { kind: 'answer', status: 301 }, 'a.test').detail).toBe(`GET ${url}: answered 301 with no Location`);
    expect(judgeRedirect(url, { kind: 'answer', status: 308, location: 'https://A.test:8443/health' }, 'a.test').status).toBe('passed');
  });

  it('the phase fails on any failed check and names the skipped ones', () => {
    expect(edgeOutcome([{ name: 'dns', status: 'passed', detail: '' }, { name: 'certificate', status: 'warned', detail: '' }])).toEqual({ status: 'passed' });
    expect(edgeOutcome([{ name: 'dns', status: 'failed', detail: '' }, { name: 'hsts', status: 'skipped', detail: '' }]))
      .toEqual({ status: 'failed', reason: 'failed: dns; skipped: hsts' });
  });
});

describe('junit', () => {
  it('carries every edge check: skipped ones as <skipped> with the reason, measured values in system-out', async () => {
    const { renderJunit } = await import('../src/reporters/junit.js');
    const { fixtureResult, fixtureStore } = await import('./support/prometheus-fixtures.js');
    const { store, checks } = fixtureStore();
    const result = fixtureResult(store, checks, { testid: 't', phases: [{ name: 'edge', status: 'passed', durationMs: 5 }] });
    result.golive.checks = [{ phase: 'edge', name: 'dns', passes: 1, fails: 0, reasons: [] }];
    result.golive.edge = { host: 'a.test', checks: [
      { name: 'dns', status: 'passed', detail: 'a.test -> A 10.0.0.1 (system resolver, 2 ms)' },
      { name: 'certificate', status: 'skipped', detail: 'target is http://: no TLS to check' },
    ] };
    const xml = renderJunit(result);
    expect(xml).toContain('<testcase classname="golive.edge.checks" name="certificate" time="0.000">\n      <skipped message="target is http://: no TLS to check"/>');
    expect(xml).toMatch(/<system-out>dns: passed: a\.test -&gt; A 10\.0\.0\.1 \(system resolver, 2 ms\)\ncertificate: skipped: target is http:\/\/: no TLS to check<\/system-out>/);
  });
});

describe('reference API HTTPS flags', () => {
  it('refuse half a TLS pair, HSTS or a redirect without TLS, and a file that is not PEM, each in one line naming the flag', async () => {
    const { parseReferenceApiArgs } = await import('../src/reference-api/args.js');
    const env = { GOLIVE_TOKEN: 'tok' };
    const files: Record<string, string> = { 'c.pem': '-----BEGIN CERTIFICATE-----\n', 'k.pem': '-----BEGIN PRIVATE KEY-----\n', 'bad.pem': 'hello' };
    const read = (f: string) => { const v = files[f]; if (v === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' }); return v; };
    const msg = (argv: string[]) => { try { parseReferenceApiArgs(argv, env, read); return 'ok'; } catch (e) { return (e as Error).message; } };
    expect(msg(['--tls-cert', 'c.pem'])).toBe('reference-api: --tls-cert and --tls-key: give both, or neither');
    expect(msg(['--hsts', '300'])).toBe('reference-api: --hsts: needs --tls-cert and --tls-key (browsers ignore HSTS over plain HTTP)');
    expect(msg(['--http-redirect-port', '8080'])).toBe('reference-api: --http-redirect-port: needs --tls-cert and --tls-key (it redirects to HTTPS)');
    expect(msg(['--tls-cert', 'bad.pem', '--tls-key', 'k.pem'])).toBe('reference-api: --tls-cert: bad.pem is not PEM (expected a -----BEGIN ...----- block)');
    expect(msg(['--tls-cert', 'gone.pem', '--tls-key', 'k.pem'])).toBe('reference-api: --tls-cert: cannot read gone.pem (ENOENT)');
    expect(msg(['--tls-cert', 'c.pem', '--tls-key', 'k.pem', '--hsts', 'year'])).toMatch(/^reference-api: --hsts: expected an integer from 0 to \d+, got "year"$/);
    expect(parseReferenceApiArgs(['--tls-cert', 'c.pem', '--tls-key', 'k.pem', '--http-redirect-port', '0', '--hsts', '60'], env, read))
      .toMatchObject({ tls: { cert: files['c.pem'], key: files['k.pem'] }, httpRedirectPort: 0, hstsMaxAge: 60 });
  });
});

describe('parallel runners', () => {
  it('the merged report keeps the edge report, a failing runner\'s first', async () => {
    const { mergedRunResult } = await import('../src/k8s/merged-report.js');
    const { mergeRunnerResults } = await import('../src/k8s/merge.js');
    const { fixturePlan, fixtureResult, fixtureStore } = await import('./support/prometheus-fixtures.js');
    const runner = (status: 'passed' | 'failed') => {
      const { store, checks } = fixtureStore();
      const r = fixtureResult(store, checks, { testid: 't', phases: [{ name: 'edge', status, durationMs: 5 }] });
      r.golive.edge = { host: 'a.test', checks: [{ name: 'dns', status, detail: status }] };
      return r;
    };
    const runners = [runner('passed'), runner('failed')];
    const plan = fixturePlan({ phases: ['edge'] });
    const merged = mergedRunResult({ plan, runId: 'r', merged: mergeRunnerResults(plan, runners), runners, version: 'v' });
    expect(merged.golive.edge?.checks[0]?.detail).toBe('failed');
  });
});
