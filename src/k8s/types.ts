/**
 * What the manifest builders need to know about one in-cluster run. Everything
 * here is plain data so the builders stay pure and table-testable.
 */
import type { V1ResourceRequirements } from '@kubernetes/client-node';
import type { Plan } from '../contract/plan.js';

export type RunnerEngine = 'node' | 'k6';

export interface SecretRef {
  /** Secret holding the target's bearer token; never created by us */
  name: string;
  key: string;
}

/** One egress rule of the runners' NetworkPolicy (DNS is always allowed). */
export type EgressRule =
  /** every pod of a namespace on these ports: an in-cluster Service's backends */
  | { kind: 'pods'; namespace: string; ports: number[]; why: string }
  /** addresses outside the pod network: the API server, an external target (--egress-cidr) */
  | { kind: 'cidr'; cidrs: string[]; ports: number[]; why: string };

/** Where the API server is, for the cluster phase's egress. */
export interface ApiServerAddress {
  cidrs: string[];
  ports: number[];
  /** 'endpoints' when read from the kubernetes Service's EndpointSlice, 'flag' from --api-server-cidr */
  source: 'endpoints' | 'flag';
}

export interface RunnerPlan {
  /** DNS-1123 label, unique per run; names the Job and labels everything */
  runId: string;
  namespace: string;
  engine: RunnerEngine;
  /** golive's runner image, for both engines */
  image: string;
  /** --engine k6: the image the init container copies k6 from */
  k6Image?: string;
  /** number of runner pods; > 1 makes an Indexed Job that splits the load */
  parallelism: number;
  /** the validated plan; its secrets are stripped before anything is rendered */
  plan: Plan;
  secret: SecretRef;
  /** the runner pods' identity (read-only) */
  serviceAccountName: string;
  /** the identity of `golive k8s` in the cluster (creates and follows Jobs) */
  orchestratorServiceAccountName: string;
  /** ConfigMap holding golive.config.json (and the k6 scripts for the k6 flavour) */
  configMapName: string;
  activeDeadlineSeconds: number;
  ttlSecondsAfterFinished: number;
  backoffLimit: number;
  resources: V1ResourceRequirements;
  egress: EgressRule[];
  /** --notify: the runner notifies; its secrets come from the run's Secret by secretKeyRef */
  notify?: { kinds: ('slack' | 'webhook' | 'pagerduty')[]; on: 'always' | 'change' | 'failure' };
}

export interface SchedulePlan {
  name: string;
  /** cron expression, hourly by default (runbook: hourly health checks on days 1-2) */
  schedule: string;
  startingDeadlineSeconds: number;
  successfulJobsHistoryLimit: number;
  failedJobsHistoryLimit: number;
  timeZone?: string;
}
