/**
 * The previous verdict of the same job and environment, for "recovery"
 * notifications: from the Pushgateway group golive pushes to, when one is
 * configured (a CronJob's pods keep no files), else from the summary.json the
 * last run left in --out. Read before this run overwrites either. Never
 * throws: an unknown previous verdict is `undefined`, with the reason.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import type { Plan } from '../contract/plan.js';
import { readCapped } from '../net/body.js';
import { withTimeout } from '../net/timeout.js';
import { authorize } from '../core/http-auth.js';
import type { Previous } from './decide.js';

export interface PreviousVerdict {
  previous: Previous;
  /** where it came from, or why it is unknown */
  source: string;
}

const MAX_BYTES = 8 * 1024 * 1024;

interface PushgatewayGroup {
  labels?: Record<string, string>;
  golive_run_success?: { metrics?: { value?: string }[] };
}

/** Pure: the verdict in Pushgateway's /api/v1/metrics answer for job + environment. */
export function verdictFromPushgateway(body: unknown, job: string, environment: string | undefined): Previous {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return undefined;
  const group = (data as PushgatewayGroup[]).find((g) => g.labels?.job === job && (g.labels.environment ?? '') === (environment ?? ''));
  const v = group?.golive_run_success?.metrics?.[0]?.value;
  return v === undefined ? undefined : Number(v) === 1 ? 'passed' : 'failed';
}

async function fromPushgateway(plan: Plan, base: string): Promise<PreviousVerdict> {
  const auth = authorize(`${base.replace(/\/+$/, '')}/api/v1/metrics`, {
    username: plan.prometheus.username, password: plan.prometheus.password, bearerToken: plan.prometheus.bearerToken,
  });
  const deadline = withTimeout(undefined, plan.requestTimeoutMs);
  try {
    const res = await request(auth.url, {
      method: 'GET',
      headers: auth.authorization ? { authorization: auth.authorization } : {},
      headersTimeout: plan.requestTimeoutMs, bodyTimeout: plan.requestTimeoutMs, signal: deadline.signal,
    });
    const read = await readCapped(res.body, MAX_BYTES);
    if (res.statusCode !== 200 || !read.ok) return { previous: undefined, source: `pushgateway answered ${res.statusCode}` };
    return { previous: verdictFromPushgateway(JSON.parse(read.text), plan.prometheus.job, plan.environment), source: 'pushgateway' };
  } catch (err) {
    return { previous: undefined, source: `pushgateway not read: ${(err as { code?: string }).code ?? (err as Error).name}` };
  } finally {
    deadline.clear();
  }
}

async function fromSummary(outDir: string): Promise<PreviousVerdict> {
  try {
    const doc = JSON.parse(await readFile(join(outDir, 'summary.json'), 'utf8')) as { golive?: { verdict?: unknown; environment?: unknown } };
    const v = doc.golive?.verdict;
    return { previous: v === 'passed' ? 'passed' : v === 'failed' || v === 'error' ? 'failed' : undefined, source: 'previous summary.json' };
  } catch {
    return { previous: undefined, source: 'no previous summary.json' };
  }
}

export async function previousVerdict(plan: Plan, outDir: string): Promise<PreviousVerdict> {
  const pg = plan.prometheus.pushgatewayUrl;
  if (pg) {
    const r = await fromPushgateway(plan, pg);
    if (r.previous !== undefined || r.source === 'pushgateway') return r;
  }
  return fromSummary(outDir);
}
