/** Flags: the cluster phase, the scale-out gate, and a parallel runner's share. */
import type { FlagGroup } from '../flag-table.js';

export const KUBERNETES_FLAGS: FlagGroup = {
  title: 'Kubernetes',
  flags: [
    { flag: 'namespace', path: 'cluster.namespace', value: 'NS', help: 'namespace for the cluster phase (default signal-trading)' },
    { flag: 'kubeconfig', path: 'cluster.kubeconfig', value: 'FILE', help: 'kubeconfig for the cluster phase (default: in-cluster or ~/.kube/config)' },
    {
      flag: 'require-scale-out', path: 'cluster.requireScaleOut', type: 'boolean',
      help: 'gate: an HPA whose target is crossed in the 2x stage must scale out\nwithin cluster.scaleOutWithinSeconds (default 120) and not be maxed out',
    },
    { flag: 'segment', cli: 'segment', value: 'I/N', help: "run runner I's share of the load of N parallel runners" },
    { flag: 'emit-result', cli: 'emitResult', type: 'boolean', help: 'print the RunResult (with histograms) between markers on stdout' },
  ],
};
