/**
 * The `edge` phase: the runbook's "DNS resolution working", "Ingress shows
 * correct IP address", "SSL certificates active" and "HTTP to HTTPS redirect
 * functional", each a named check with its measured value. DNS runs first and
 * its answer is where the other probes connect, so they test what DNS says.
 * What does not apply to the target (an IP address, http://) is skipped with
 * the reason, never silently.
 */
import { isIP } from 'node:net';
import { parseDnsServer, formatDnsServer } from '../../core/dns-server.js';
import type { Plan } from '../../contract/plan.js';
import type { EdgeCheck, EdgeCheckName, EdgeReport } from '../../core/edge-report.js';
import { clientFaultReason } from '../../net/failures.js';
import { Findings } from '../findings.js';
import type { PhaseContext, PhaseOutcome, PhaseRunner } from '../types.js';
import type { K8sClients } from '../../net/k8s-client.js';
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

interface Target {
  host: string;
  https: boolean;
  ip: boolean;
  port: number;
}

function targetParts(plan: Plan): Target {
  const url = new URL(plan.target);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const https = url.protocol === 'https:';
  return { host, https, ip: isIP(host) !== 0, port: Number(url.port || (https ? 443 : 80)) };
}

interface Step {
  report: EdgeReport;
  found: Findings;
  /** faults on our side: they make the phase an error, never a failure of the target */
  faults: string[];
}

const add = (step: Step, c: EdgeCheck): void => { step.report.checks.push(c); };

/** The dns check; returns the address the other probes connect to, or an error text from the cluster. */
async function dnsStep(ctx: PhaseContext, t: Target, step: Step, deps: EdgePhaseDeps): Promise<{ address?: string; clusterError?: string }> {
  const { plan } = ctx;
  if (t.ip) {
    add(step, skip('dns', `target is an IP address (${t.host}): nothing to resolve`));
    return { address: t.host };
  }
  const server = plan.edge.dnsServer ? parseDnsServer(plan.edge.dnsServer) : undefined;
  const opts: ResolveOptions = { timeoutMs: plan.requestTimeoutMs, clock: ctx.clock, signal: ctx.signal, ...(server ? { server } : {}) };
  const lookup = await resolveHost(t.host, opts);
  let ingress: IngressView | undefined;
  let clusterError: string | undefined;
  if (plan.phases.includes('cluster')) {
    try {
      // The Kubernetes client is heavy to load: only when the cluster phase runs.
      const { readIngressView } = await import('./ingress.js');
      ingress = await readIngressView(t.host, plan.cluster, (e) => addressesOf(e, opts), deps.clients);
    } catch (err) {
      clusterError = `could not read the Ingresses to compare with DNS: ${errorText(err)}`;
    }
  }
  const { check, dns } = judgeDns(t.host, server ? formatDnsServer(server) : 'system', lookup, ingress);
  step.report.dns = dns;
  add(step, check);
  const address = lookup.kind === 'answers' ? lookup.a[0] ?? lookup.aaaa[0] : undefined;
  return { ...(address ? { address } : {}), ...(clusterError ? { clusterError } : {}) };
}

/** certificate, redirect and hsts, connecting to `address`. */
async function httpsSteps(ctx: PhaseContext, t: Target, address: string, step: Step, deps: EdgePhaseDeps): Promise<void> {
  const { plan } = ctx;
  const now = deps.now ?? (() => new Date());
  const path = plan.health.endpoints[0] ?? '/health';
  const probe = { host: t.host, address, path, timeoutMs: plan.requestTimeoutMs, signal: ctx.signal };
  const https = await probeHttps({ ...probe, port: t.port }, deps.ca);
  const ours = https.kind === 'error' && https.ours ? https : undefined;
  if (ours) {
    step.faults.push(`${ours.error} (${ours.ours ?? ''})`);
    add(step, skip('certificate', `not checked: ${ours.error}`));
  } else if (https.kind === 'error') {
    add(step, { name: 'certificate', status: 'failed', detail: `${t.host}:${t.port}: ${https.error}` });
  } else {
    const { check, certificate } = judgeCertificate(https.tls, t.host, now(), { warnDays: plan.edge.certWarnDays, failDays: plan.edge.certFailDays });
    step.report.certificate = certificate;
    add(step, check);
    if (check.status === 'warned') step.found.notes.push(`edge: certificate of ${t.host}: ${check.detail}`);
  }

  const redirectUrl = `http://${t.host.includes(':') ? `[${t.host}]` : t.host}:${plan.edge.httpPort}${path}`;
  const answer = await probeHttp({ ...probe, port: plan.edge.httpPort });
  step.report.redirect = { url: redirectUrl, ...(answer.kind === 'answer' ? { status: answer.status, ...(answer.location !== undefined ? { location: answer.location.slice(0, 500) } : {}) } : {}) };
  if (answer.kind === 'error' && answer.ours) {
    step.faults.push(`${answer.error} (${answer.ours})`);
    add(step, skip('redirect', `not checked: ${answer.error}`));
  } else add(step, judgeRedirect(redirectUrl, answer, t.host));

  if (t.ip) add(step, skip('hsts', 'target is an IP address: browsers ignore HSTS for IP hosts (RFC 6797 §8.1)'));
  else if (ours) add(step, skip('hsts', `not checked: ${ours.error}`));
  else if (https.kind !== 'answer') add(step, { name: 'hsts', status: 'failed', detail: `no HTTPS answer to read it from: ${https.error}` });
  else {
    const { check, hsts } = judgeHsts(https.sts, plan.edge.hstsMinAgeSeconds, `GET ${redactUrl(new URL(path, plan.target).href)}`);
    step.report.hsts = hsts;
    add(step, check);
  }
}

export function createEdgePhase(deps: EdgePhaseDeps = {}): PhaseRunner {
  return {
    name: 'edge',
    needs: [],
    async run(ctx: PhaseContext): Promise<PhaseOutcome> {
      const t = targetParts(ctx.plan);
      const step: Step = { report: { host: t.host, checks: [] }, found: new Findings(), faults: [] };
      const done = (o: PhaseOutcome): PhaseOutcome => ({ ...step.found.outcome(o.status, o.reason), edge: step.report });

      const { address, clusterError } = await dnsStep(ctx, t, step, deps);
      if (!t.https) {
        add(step, skip('certificate', 'target is http://: no TLS to check'));
        add(step, skip('redirect', 'target is http://: there is no HTTPS site to redirect to'));
        add(step, skip('hsts', 'target is http://: HSTS only counts over HTTPS'));
      } else if (address === undefined) {
        for (const n of ['certificate', 'redirect', 'hsts'] as const) add(step, skip(n, `not checked: ${t.host} did not resolve`));
      } else if (!ctx.signal.aborted) {
        await httpsSteps(ctx, t, address, step, deps);
      }
      // An interrupted probe is not evidence: nothing is recorded against the target.
      if (ctx.signal.aborted) return done({ status: 'aborted', reason: 'aborted' });

      for (const c of step.report.checks) {
        if (c.status !== 'skipped') step.found.checks.record('edge', c.name, c.status !== 'failed', c.detail);
      }
      const outcome = edgeOutcome(step.report.checks);
      if (step.faults.length > 0 && outcome.status === 'passed') return done({ status: 'error', reason: clientFaultReason(step.faults) });
      if (clusterError && outcome.status === 'passed') return done({ status: 'error', reason: clusterError });
      if (clusterError) return done({ ...outcome, reason: `${outcome.reason ?? ''}; ${clusterError}` });
      return done(outcome);
    },
  };
}
