/**
 * The `edge` phase: the runbook's "DNS resolution working", "Ingress shows
 * correct IP address", "SSL certificates active" and "HTTP to HTTPS redirect
 * functional", each a named check with its measured value. DNS runs first and
 * its answer is where the other probes connect, so they test what DNS says.
 * What does not apply to the target (an IP address, http://) is skipped with
 * the reason, never silently.
 */
import { isIP } from 'node:net';
import { parseDnsServer, formatDnsServer } from '../../config/dns-server.js';
import type { Plan } from '../../config/schema.js';
import type { EdgeCheck, EdgeCheckName, EdgeReport } from '../../core/edge-report.js';
import { clientFaultReason } from '../../engine/failures.js';
import { Findings } from '../findings.js';
import type { PhaseContext, PhaseOutcome, PhaseRunner } from '../types.js';
import type { K8sClients } from '../../k8s/client.js';
import { judgeCertificate } from './certificate.js';
import { judgeDns, type IngressView } from './dns.js';
import { addressesOf, resolveHost, type ResolveOptions } from './dns-probe.js';
import { judgeHsts } from './hsts.js';
import { probeHttp } from './http-probe.js';
import { probeHttps } from './https-probe.js';
import { judgeRedirect } from './redirect.js';
import { errorText } from './text.js';
import { redactUrl } from '../../core/redact.js';

export interface EdgePhaseDeps {
  ca?: string;
  /** wall clock for certificate dates */
  now?: () => Date;
  /** the cluster phase's API clients (default: from plan.cluster.kubeconfig) */
  clients?: K8sClients;
}

const skip = (name: EdgeCheckName, detail: string): EdgeCheck => ({ name, status: 'skipped', detail });

/** Pure: the checks -> the phase's outcome. */
export function edgeOutcome(checks: readonly EdgeCheck[]): PhaseOutcome {
  const failed = checks.filter((c) => c.status === 'failed').map((c) => c.name);
  const skipped = checks.filter((c) => c.status === 'skipped').map((c) => c.name);
  const skipText = skipped.length ? `; skipped: ${skipped.join(', ')}` : '';
  if (failed.length) return { status: 'failed', reason: `failed: ${failed.join(', ')}${skipText}` };
  return skipped.length ? { status: 'passed', reason: `skipped: ${skipped.join(', ')}` } : { status: 'passed' };
}

function targetParts(plan: Plan) {
  const url = new URL(plan.target);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const https = url.protocol === 'https:';
  return { host, https, ip: isIP(host) !== 0, port: Number(url.port || (https ? 443 : 80)) };
}

export function createEdgePhase(deps: EdgePhaseDeps = {}): PhaseRunner {
  return {
    name: 'edge',
    needs: [],
    async run(ctx: PhaseContext): Promise<PhaseOutcome> {
      const { plan } = ctx;
      const now = deps.now ?? (() => new Date());
      const t = targetParts(plan);
      const path = plan.health.endpoints[0] ?? '/health';
      const server = plan.edge.dnsServer ? parseDnsServer(plan.edge.dnsServer) : undefined;
      const resolveOpts: ResolveOptions = { timeoutMs: plan.requestTimeoutMs, clock: ctx.clock, signal: ctx.signal, ...(server ? { server } : {}) };
      const report: EdgeReport = { host: t.host, checks: [] };
      const found = new Findings();
      const add = (c: EdgeCheck): void => { report.checks.push(c); };
      let clusterError: string | undefined;
      /** faults on our side: they make the phase an error, never a failure of the target */
      const faults: string[] = [];

      let address: string | undefined;
      if (t.ip) {
        address = t.host;
        add(skip('dns', `target is an IP address (${t.host}): nothing to resolve`));
      } else {
        const lookup = await resolveHost(t.host, resolveOpts);
        let ingress: IngressView | undefined;
        if (plan.phases.includes('cluster')) {
          try {
            // The Kubernetes client is heavy to load: only when the cluster phase runs.
            const { readIngressView } = await import('./ingress.js');
            ingress = await readIngressView(t.host, plan.cluster, (e) => addressesOf(e, resolveOpts), deps.clients);
          } catch (err) {
            clusterError = `could not read the Ingresses to compare with DNS: ${errorText(err)}`;
          }
        }
        const { check, dns } = judgeDns(t.host, server ? formatDnsServer(server) : 'system', lookup, ingress);
        report.dns = dns;
        add(check);
        if (lookup.kind === 'answers') address = lookup.a[0] ?? lookup.aaaa[0];
      }

      if (!t.https) {
        add(skip('certificate', 'target is http://: no TLS to check'));
        add(skip('redirect', 'target is http://: there is no HTTPS site to redirect to'));
        add(skip('hsts', 'target is http://: HSTS only counts over HTTPS'));
      } else if (address === undefined) {
        for (const n of ['certificate', 'redirect', 'hsts'] as const) add(skip(n, `not checked: ${t.host} did not resolve`));
      } else {
        const probe = { host: t.host, address, path, timeoutMs: plan.requestTimeoutMs, signal: ctx.signal };
        const https = await probeHttps({ ...probe, port: t.port }, deps.ca);
        if (https.kind === 'error' && https.ours) {
          faults.push(`${https.error} (${https.ours})`);
          add(skip('certificate', `not checked: ${https.error}`));
        } else if (https.kind === 'error') {
          add({ name: 'certificate', status: 'failed', detail: `${t.host}:${t.port}: ${https.error}` });
        } else {
          const { check, certificate } = judgeCertificate(https.tls, t.host, now(), { warnDays: plan.edge.certWarnDays, failDays: plan.edge.certFailDays });
          report.certificate = certificate;
          add(check);
          if (check.status === 'warned') found.notes.push(`edge: certificate of ${t.host}: ${check.detail}`);
        }
        const redirectUrl = `http://${t.host.includes(':') ? `[${t.host}]` : t.host}:${plan.edge.httpPort}${path}`;
        const answer = await probeHttp({ ...probe, port: plan.edge.httpPort });
        report.redirect = { url: redirectUrl, ...(answer.kind === 'answer' ? { status: answer.status, ...(answer.location !== undefined ? { location: answer.location.slice(0, 500) } : {}) } : {}) };
        if (answer.kind === 'error' && answer.ours) {
          faults.push(`${answer.error} (${answer.ours})`);
          add(skip('redirect', `not checked: ${answer.error}`));
        } else add(judgeRedirect(redirectUrl, answer, t.host));
        if (t.ip) add(skip('hsts', `target is an IP address: browsers ignore HSTS for IP hosts (RFC 6797 §8.1)`));
        else if (https.kind === 'error' && https.ours) add(skip('hsts', `not checked: ${https.error}`));
        else if (https.kind !== 'answer') add({ name: 'hsts', status: 'failed', detail: `no HTTPS answer to read it from: ${https.error}` });
        else {
          const { check, hsts } = judgeHsts(https.sts, plan.edge.hstsMinAgeSeconds, `GET ${redactUrl(new URL(path, plan.target).href)}`);
          report.hsts = hsts;
          add(check);
        }
      }

      for (const c of report.checks) {
        if (c.status !== 'skipped') found.checks.record('edge', c.name, c.status !== 'failed', c.detail);
      }
      const done = (o: PhaseOutcome): PhaseOutcome => ({ ...found.outcome(o.status, o.reason), edge: report });
      if (ctx.signal.aborted) return done({ status: 'aborted', reason: 'aborted' });
      const outcome = edgeOutcome(report.checks);
      if (faults.length > 0 && outcome.status === 'passed') return done({ status: 'error', reason: clientFaultReason(faults) });
      if (clusterError && outcome.status === 'passed') return done({ status: 'error', reason: clusterError });
      if (clusterError) return done({ ...outcome, reason: `${outcome.reason ?? ''}; ${clusterError}` });
      return done(outcome);
    },
  };
}
