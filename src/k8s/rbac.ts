/**
 * Least privilege, as two identities:
 *
 * - the orchestrator (`golive k8s run|schedule`, in-cluster or bound to a person or CI user):
 *   creates, follows and cleans up the runner Job, its ConfigMap and the CronJob, reads the
 *   runners' pods and logs, and may read the API server's own EndpointSlice (namespace
 *   `default`, that one object) to render the runners' NetworkPolicy;
 * - the runner (the pods, which parse untrusted HTTP answers): read-only, only the lists
 *   the cluster phase makes, and its token is mounted only when that phase runs.
 *
 * Neither may read Secrets: the token reaches the runner through a secretKeyRef that the
 * kubelet resolves. Pure builders; the auth can-i tests walk the rule tables.
 */
import type { V1PolicyRule, V1Role, V1RoleBinding, V1ServiceAccount } from '@kubernetes/client-node';
import { API_SERVER_SERVICE, baseLabels } from './names.js';

export type Identity = 'orchestrator' | 'runner';
export type Rule = V1PolicyRule & { why: string };

export const ORCHESTRATOR_RULES: readonly Rule[] = [
  { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'create', 'update', 'patch', 'delete'], why: 'k8s run/schedule: the per-run plan and k6 scripts; cleanup' },
  { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch', 'create', 'delete'], why: 'k8s run: create, follow and clean up the runner Job' },
  { apiGroups: ['batch'], resources: ['cronjobs'], verbs: ['get', 'create', 'update', 'patch'], why: 'k8s schedule: install or update the CronJob' },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'], why: 'k8s run: the runners\' exit codes' },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get'], why: 'k8s run: each runner\'s result from its log' },
];

/** In namespace `default`, one object: where the API server's addresses are published. */
export const API_SERVER_READ_RULES: readonly Rule[] = [
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], resourceNames: [API_SERVER_SERVICE.name], verbs: ['get'], why: 'k8s render/run/schedule: the API server\'s addresses for the runners\' NetworkPolicy' },
];

/** Exactly the calls of src/phases/cluster/read.ts (and the HPA sampler): lists, nothing else. */
export const RUNNER_RULES: readonly Rule[] = [
  { apiGroups: [''], resources: ['pods'], verbs: ['list'], why: 'cluster phase: pods Running and Ready' },
  { apiGroups: [''], resources: ['services'], verbs: ['list'], why: 'cluster phase: Services' },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list'], why: 'cluster phase: ready endpoints' },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: ['list'], why: 'cluster phase: Deployments available' },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['list'], why: 'cluster phase: Ingress address' },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['list'], why: 'cluster phase: HPA replicas, sampled during load' },
];

export interface RbacNames {
  /** where the ServiceAccounts live and the Jobs run */
  namespace: string;
  /** what the cluster phase reads (the runner's Role lives there) */
  clusterNamespace: string;
  orchestrator: string;
  runner: string;
}

const strip = (rules: readonly Rule[]): V1PolicyRule[] => rules.map(({ why: _why, ...r }) => r);

export function buildServiceAccount(namespace: string, name: string, identity: Identity): V1ServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace, labels: baseLabels(`${identity}-rbac`) },
    // Runner pods opt in only when they run the cluster phase; the orchestrator's pods
    // (if any) opt in themselves. No pod gets a token by default.
    automountServiceAccountToken: false,
  };
}

export function buildRole(namespace: string, name: string, identity: Identity, rules: readonly Rule[]): V1Role {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name, namespace, labels: baseLabels(`${identity}-rbac`) },
    rules: strip(rules),
  };
}

export function buildRoleBinding(namespace: string, name: string, identity: Identity, subject: { name: string; namespace: string }): V1RoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace, labels: baseLabels(`${identity}-rbac`) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [{ kind: 'ServiceAccount', ...subject }],
  };
}

/** The API-server reader's Role name: one per app namespace, all living in `default`. */
export function apiServerReaderName(n: RbacNames): string {
  return `${n.orchestrator}-${n.namespace}-apiserver`;
}

/** Every RBAC object of both identities, in apply order; the runner's Role only when the cluster phase runs. */
export function buildRbac(n: RbacNames, clusterPhase: boolean): Array<V1ServiceAccount | V1Role | V1RoleBinding> {
  const orch = { name: n.orchestrator, namespace: n.namespace };
  const runner = { name: n.runner, namespace: n.namespace };
  const reader = apiServerReaderName(n);
  return [
    buildServiceAccount(n.namespace, n.orchestrator, 'orchestrator'),
    buildRole(n.namespace, n.orchestrator, 'orchestrator', ORCHESTRATOR_RULES),
    buildRoleBinding(n.namespace, n.orchestrator, 'orchestrator', orch),
    buildRole(API_SERVER_SERVICE.namespace, reader, 'orchestrator', API_SERVER_READ_RULES),
    buildRoleBinding(API_SERVER_SERVICE.namespace, reader, 'orchestrator', orch),
    buildServiceAccount(n.namespace, n.runner, 'runner'),
    ...(clusterPhase ? [
      buildRole(n.clusterNamespace, n.runner, 'runner', RUNNER_RULES),
      buildRoleBinding(n.clusterNamespace, n.runner, 'runner', runner),
    ] : []),
  ];
}
