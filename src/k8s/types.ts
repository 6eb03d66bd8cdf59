/**
 * What the manifest builders need to know about one in-cluster run. Everything
 * here is plain data so the builders stay pure and table-testable.
 */
import type { V1ResourceRequirements } from '@kubernetes/client-node';
import type { Plan } from '../config/schema.js';

export type RunnerEngine = 'node' | 'k6';

export interface SecretRef {
  /** Secret holding the target's bearer token; never created by us */
  name: string;
  key: string;
}

/** Where the NetworkPolicy lets the runner talk to, besides DNS. */
export interface EgressPeer {
  /** pod labels of the peer; empty selects every pod of the namespace(s) */
  podLabels: Record<string, string>;
  /** namespace of the peer; undefined means the runner's own namespace */
  namespace?: string;
  ports: number[];
}

export interface RunnerPlan {
  /** DNS-1123 label, unique per run; names the Job and labels everything */
  runId: string;
  namespace: string;
  engine: RunnerEngine;
  image: string;
  /** number of runner pods; > 1 makes an Indexed Job that splits the load */
  parallelism: number;
  /** the validated plan; its secrets are stripped before anything is rendered */
  plan: Plan;
  secret: SecretRef;
  serviceAccountName: string;
  /** ConfigMap holding golive.config.json (and the k6 scripts for the k6 flavour) */
  configMapName: string;
  activeDeadlineSeconds: number;
  ttlSecondsAfterFinished: number;
  backoffLimit: number;
  resources: V1ResourceRequirements;
  egress: { target: EgressPeer; prometheus?: EgressPeer };
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
