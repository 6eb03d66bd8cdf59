/**
 * The single source of truth for a run's Plan: types via z.infer, defaults in
 * one place. Config file, env and flags are merged into the raw object that
 * this schema validates; every problem is reported at once with its path.
 */
import { z } from 'zod';
import { LIMITS, boundedConnections, boundedMillis, boundedRate, boundedSeconds } from './limits.js';
import { profileSchema, saturationSchema } from './capacity-schema.js';
import { signoffSchema } from './signoff-schema.js';
import { PHASES } from '../core/result.js';
import { parseDnsServer } from '../core/dns-server.js';
import { checksSchema, presetSchema } from './checks-schema.js';

export { LIMITS } from './limits.js';

const seconds = (what: string) => boundedSeconds(what);
const duration = boundedSeconds();
const millis = boundedMillis();
const httpUrl = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}, 'expected an http(s) URL, e.g. http://127.0.0.1:8080');

/**
 * A threshold is k6's string form or its object form; the object's
 * abortOnFail/delayAbortEval are lifted into `abortOnFail` by validatePlan,
 * so the map itself always holds the expressions.
 */
export const thresholdObject = z.object({
  threshold: z.string().min(1),
  abortOnFail: z.boolean().default(false),
  /** k6 duration, e.g. 10s: how long into the load before this can stop it */
  delayAbortEval: z.string().regex(/^(\d+(\.\d+)?(ms|s|m|h))+$/, 'expected a duration, e.g. 10s').optional(),
});
const thresholdMap = z.record(z.string().min(1), z.array(z.union([z.string().min(1), thresholdObject])).min(1))
  .transform((m) => Object.fromEntries(Object.entries(m).map(([k, list]) => [k, list.map((e) => (typeof e === 'string' ? e : e.threshold))])));

/** A threshold that stops the load early when it fails (k6's abortOnFail). */
export const abortEntry = z.object({
  metric: z.string().min(1),
  expression: z.string().min(1),
  delaySeconds: z.number().nonnegative().default(0),
});

export const closedModel = z.object({
  model: z.literal('closed'),
  requests: z.number().int().positive().max(LIMITS.requests).default(1000),
  concurrency: boundedConnections().default(10),
});
export const openModel = z.object({
  model: z.literal('open'),
  /** arrivals per second, fixed schedule: late responses do not delay later sends */
  rate: boundedRate().positive(),
  durationSeconds: duration,
  /** cap on requests in flight; arrivals beyond it are counted as dropped_iterations */
  maxInFlight: boundedConnections().default(1000),
});
/** A stage tag value given in config: not a bare index, so `stage:1` stays unambiguous. */
const stageName = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, _ . or -').refine((s) => !/^\d+$/.test(s), 'expected a name that is not a number (stages are also tagged by index)');
export const stage = z.object({
  /** how long the stage lasts; 0 jumps to the target at once */
  durationSeconds: z.number().nonnegative().max(LIMITS.timerMs / 1000, "above Node's timer range"),
  /** arrivals per second reached at the end of the stage (linear ramp from the previous target) */
  target: boundedRate().nonnegative(),
  /** tag value for this stage's samples instead of its index, e.g. `2x` */
  name: stageName.optional(),
});
/** k6's ramping-arrival-rate: the open model with a rate that follows the stages. */
export const stagedModel = z.object({
  model: z.literal('staged'),
  /** arrivals per second at the start of the first stage */
  startRate: boundedRate().nonnegative().default(0),
  stages: z.array(stage).min(1)
    .refine((st) => st.length === 0 || st.reduce((s, x) => s + x.durationSeconds, 0) > 0, 'expected stages that last longer than 0 s in total')
    .refine((st) => new Set(st.map((x) => x.name).filter((n) => n !== undefined)).size === st.filter((x) => x.name !== undefined).length, 'expected distinct stage names'),
  maxInFlight: boundedConnections().default(1000),
});

/** `IP` or `IP:PORT` (IPv6 as `[IP]:PORT`) of a DNS server; a name would need a resolver itself. */
const dnsServer = z.string().refine((s) => parseDnsServer(s) !== undefined, 'expected IP[:PORT] of a DNS server, e.g. 127.0.0.1:5353 or [::1]:53');

/**
 * The API's own OpenAPI 3.0/3.1 document: fetched from the target (a path is
 * resolved against it, as FastAPI serves `/openapi.json`) or read from a file.
 */
export const openApiSource = z.strictObject({
  url: z.string().min(1).refine((s) => s.startsWith('/') || /^https?:\/\//i.test(s), 'expected a path on the target (/openapi.json) or an http(s) URL').optional(),
  file: z.string().min(1).optional(),
}).refine((o) => (o.url === undefined) !== (o.file === undefined), 'expected { url: "/openapi.json" } or { file: "openapi.json" }, one of the two')
  .transform((o): { url: string } | { file: string } => (o.url !== undefined ? { url: o.url } : { file: o.file ?? '' }));
export type OpenApiSource = z.infer<typeof openApiSource>;

/** The phases a plan runs when it does not say: edge only applies to an https:// target. */
export const DEFAULT_PHASES = ['health', 'market-data', 'load'] as const;

export const planSchema = z.object({
  target: httpUrl,
  /** bearer token for the authenticated endpoints; from env or file only */
  // Trimmed: `kubectl create secret --from-file` and `echo > file` leave a trailing newline.
  token: z.string().trim().min(1).optional(),
  engine: z.enum(['node', 'k6']).default('node'),
  /** run a k6 version golive has not verified (src/engine/k6/version.ts) */
  k6Unverified: z.boolean().default(false),
  phases: z.array(z.enum(PHASES)).min(1).default([...DEFAULT_PHASES]),
  out: z.string().min(1).default('reports'),
  json: z.boolean().default(false),
  /** per-request timeout, end to end (connect, headers and body) */
  requestTimeoutMs: millis.int().default(10_000),
  /** bytes of a functional response body kept for the checks; beyond it the checks fail */
  maxBodyBytes: z.number().int().positive().max(LIMITS.maxBodyBytes).default(4 * 1024 * 1024),
  /** whole-run deadline: the run is aborted (exit 105) when it passes */
  deadlineSeconds: seconds('the deadline').default(900),
  /** extra CA bundle (PEM path) for TLS; verification is never turned off */
  caFile: z.string().min(1).optional(),
  environment: z.string().min(1).optional(),
  testid: z.string().min(1).optional(),
  edge: z.object({
    /** port of the plain-HTTP listener that must redirect to HTTPS */
    httpPort: z.number().int().min(1).max(65_535).default(80),
    /** a certificate in the chain expiring sooner than this is a warning note */
    certWarnDays: z.number().nonnegative().default(30),
    /** ... and sooner than this a failed check */
    certFailDays: z.number().nonnegative().default(7),
    /** the Strict-Transport-Security max-age must be at least this (one year) */
    hstsMinAgeSeconds: z.number().int().nonnegative().default(31_536_000),
    /** resolve with this server instead of the system resolver */
    dnsServer: dnsServer.optional(),
  }).refine((e) => e.certWarnDays >= e.certFailDays, { message: 'expected certWarnDays >= certFailDays', path: ['certWarnDays'] }).prefault({}),
  health: z.object({
    endpoints: z.array(z.string().startsWith('/')).min(1).default(['/health', '/api/v1/data/health']),
    maxResponseMs: millis.default(500),
  }).prefault({}),
  marketData: z.object({
    path: z.string().startsWith('/').default('/api/v1/data/market'),
    symbol: z.string().min(1).default('AAPL'),
    startDate: z.iso.date().default('2025-09-01'),
    endDate: z.iso.date().default('2025-09-03'),
    /** also check that a call without credentials is refused (401/403) */
    checkAuthRefusal: z.boolean().default(true),
  }).prefault({}),
  load: z.object({
    path: z.string().startsWith('/').default('/health'),
    method: z.enum(['GET', 'POST']).default('GET'),
    /**
     * opt-in strict limit: schedule-lag p99 above this (ms) is golive falling
     * behind (exit 107) whatever the verdict; unset, lag voids only a failure
     * it could explain (thresholds/load-evidence.ts)
     */
    maxScheduleLagMs: millis.optional(),
    /**
     * open model: threads sending it, each with its own connections, the
     * interleaved share i mod N of the arrivals and its part of maxInFlight
     */
    workers: z.number().int().min(1).max(LIMITS.workers, `above ${LIMITS.workers} threads`).default(1),
    workload: z.discriminatedUnion('model', [closedModel, openModel, stagedModel]).prefault({ model: 'closed' }),
    /** a weighted mix of declared checks instead of the one path (names checked by checks-validate) */
    mix: z.array(z.strictObject({ check: z.string().min(1), weight: z.number().nonnegative() })).min(1).optional(),
  }).prefault({}),
  /** the user's own checks (and setup checks), run by the `checks` phase and the load mix */
  checks: checksSchema,
  /** `runbook`: the health and market-data phases run the runbook's checks; `none` drops both phases */
  preset: presetSchema,
  /** extra k6-syntax thresholds, merged over the runbook defaults */
  thresholds: thresholdMap.default({}),
  /** derived from the thresholds' object form by validatePlan; not set by hand */
  abortOnFail: z.array(abortEntry).default([]),
  rollback: z.object({
    /** runbook: "Response times > 5 seconds" */
    maxP95Ms: millis.default(5000),
  }).prefault({}),
  prometheus: z.object({
    remoteWriteUrl: httpUrl.optional(),
    pushgatewayUrl: httpUrl.optional(),
    /** Prometheus HTTP API, for the monitoring phase */
    url: httpUrl.optional(),
    grafanaUrl: httpUrl.optional(),
    nativeHistograms: z.boolean().default(false),
    job: z.string().min(1).default('golive'),
    /** label selector of the scrape targets that must be up */
    targetsSelector: z.string().min(1).default('up'),
    /** credentials, from env or file only; never printed */
    username: z.string().optional(),
    password: z.string().optional(),
    bearerToken: z.string().trim().optional(),
  }).prefault({}),
  cluster: z.object({
    namespace: z.string().min(1).default('signal-trading'),
    kubeconfig: z.string().min(1).optional(),
    /** a pod restarted within this window counts as a recent restart */
    restartWindowSeconds: z.number().int().nonnegative().max(LIMITS.timerMs / 1000).default(900),
    /** with --require-scale-out: an HPA whose target is crossed must raise desiredReplicas within this */
    scaleOutWithinSeconds: duration.default(120),
    /** gate on scale-out during the 2x (or last) stage instead of only reporting it */
    requireScaleOut: z.boolean().default(false),
    /** how often the HPAs are sampled during the load */
    hpaIntervalSeconds: duration.default(5),
  }).prefault({}),
  /** hold every response against the API's own OpenAPI contract, and count the operations covered */
  openapi: openApiSource.optional(),
  /** a named load profile, expanded into the staged workload and its thresholds */
  profile: profileSchema.optional(),
  /** resource saturation from Prometheus, judged by the monitoring phase */
  saturation: saturationSchema.prefault({}),
  /** read by `golive signoff` only */
  signoff: signoffSchema.optional(),
});

export type Plan = z.infer<typeof planSchema>;
export type PlanInput = z.input<typeof planSchema>;
export type Workload = Plan['load']['workload'];
export type Stage = z.infer<typeof stage>;
