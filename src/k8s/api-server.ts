/**
 * Where the API server is, for the runners' NetworkPolicy when the cluster phase runs:
 * the `kubernetes` Service's EndpointSlice in `default` (the API server publishes its own
 * addresses there), read with the orchestrator's narrow grant; otherwise --api-server-cidr.
 */
import { isIP } from 'node:net';
import { firstLine, GoliveError } from '../core/errors.js';
import { call, loadKubeConfig, makeClients, type K8sClients } from '../net/k8s-client.js';
import { API_SERVER_DEFAULT_PORTS, parseCidr } from './egress.js';
import { API_SERVER_SERVICE } from './names.js';
import type { ApiServerAddress } from './types.js';

export async function readApiServerAddress(c: K8sClients): Promise<ApiServerAddress> {
  const { name, namespace } = API_SERVER_SERVICE;
  const slice = await call(c, `get EndpointSlice ${name} in ${namespace}`, () => c.discovery.readNamespacedEndpointSlice({ name, namespace }));
  const addresses = (slice.endpoints ?? []).flatMap((e) => e.addresses);
  const ports = (slice.ports ?? []).flatMap((p) => (p.port === undefined ? [] : [p.port]));
  if (addresses.length === 0 || ports.length === 0) throw new Error(`EndpointSlice ${name} in ${namespace} lists no address or port`);
  const cidrs = [...new Set(addresses)].map((a) => `${a}/${isIP(a) === 6 ? 128 : 32}`);
  return { cidrs, ports, source: 'endpoints' };
}

export interface ApiServerLookup {
  /** --api-server-cidr values */
  flagCidrs: readonly string[];
  clusterPhase: boolean;
  /** clients of `golive k8s run|schedule`; render makes its own from the kubeconfig */
  clients?: K8sClients;
  kubeconfig?: string;
}

/** The flag wins; else the EndpointSlice; else one line saying which flag to pass (104). */
export async function resolveApiServer(o: ApiServerLookup): Promise<ApiServerAddress | undefined> {
  if (o.flagCidrs.length > 0) {
    if (!o.clusterPhase) throw new GoliveError('GOLIVE_USAGE', '--api-server-cidr: only the cluster phase talks to the API server; leave the flag out or add cluster to --phases');
    return { cidrs: o.flagCidrs.map((c) => parseCidr('--api-server-cidr', c)), ports: API_SERVER_DEFAULT_PORTS, source: 'flag' };
  }
  if (!o.clusterPhase) return undefined;
  try {
    return await readApiServerAddress(o.clients ?? makeClients(loadKubeConfig(o.kubeconfig), 5_000));
  } catch (err) {
    throw new GoliveError('GOLIVE_USAGE', `--api-server-cidr: the cluster phase needs the API server's addresses for the runners' NetworkPolicy, and the kubernetes Service's endpoints could not be read (${firstLine(err).replace(/^golive: /, '')}); pass --api-server-cidr CIDR (kubectl get endpointslice kubernetes -n default shows them)`);
  }
}
