/**
 * A small test exporter serving kube-state-metrics- and cAdvisor-shaped
 * series (the names and labels the saturation defaults query), whose values
 * a test moves while a run is under way: CPU use as a counter that grows at
 * the pod's current rate, memory working set, limits, restart counters and
 * the OOMKilled reason. Real Prometheus scrapes it like the real exporters.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';

export interface PodState {
  namespace: string;
  pod: string;
  container: string;
  cpuLimitCores: number;
  memoryLimitBytes: number;
  /** CPU cores in use now: the counter grows at this rate */
  cpuCores: number;
  memoryBytes: number;
  restarts: number;
  oomKilled: boolean;
}

export interface Exporter {
  readonly address: string;
  readonly pods: PodState[];
  /** extra lines of the exposition, rendered at each scrape */
  extra: () => string[];
  close(): Promise<void>;
}

export async function startExporter(pods: PodState[]): Promise<Exporter> {
  const cpuSeconds = new Map<PodState, number>();
  let last = performance.now();
  const advance = (): void => {
    const now = performance.now();
    for (const p of pods) cpuSeconds.set(p, (cpuSeconds.get(p) ?? 0) + (p.cpuCores * (now - last)) / 1000);
    last = now;
  };
  const state = { extra: (): string[] => [] };
  const render = (): string => {
    advance();
    const out: string[] = [
      '# TYPE container_cpu_usage_seconds_total counter',
      '# TYPE container_memory_working_set_bytes gauge',
      '# TYPE kube_pod_container_resource_limits gauge',
      '# TYPE kube_pod_container_status_restarts_total counter',
      '# TYPE kube_pod_container_status_last_terminated_reason gauge',
    ];
    for (const p of pods) {
      const l = `namespace="${p.namespace}",pod="${p.pod}",container="${p.container}"`;
      out.push(`container_cpu_usage_seconds_total{${l},cpu="total"} ${(cpuSeconds.get(p) ?? 0).toFixed(6)}`);
      out.push(`container_memory_working_set_bytes{${l}} ${p.memoryBytes}`);
      out.push(`kube_pod_container_resource_limits{${l},resource="cpu",unit="core"} ${p.cpuLimitCores}`);
      out.push(`kube_pod_container_resource_limits{${l},resource="memory",unit="byte"} ${p.memoryLimitBytes}`);
      out.push(`kube_pod_container_status_restarts_total{${l}} ${p.restarts}`);
      if (p.oomKilled) out.push(`kube_pod_container_status_last_terminated_reason{${l},reason="OOMKilled"} 1`);
    }
    return `${[...out, ...state.extra()].join('\n')}\n`;
  };
  const server: Server = createServer((req, res) => {
    const body = req.url === '/metrics' ? render() : 'not found\n';
    res.writeHead(req.url === '/metrics' ? 200 : 404, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    address: `127.0.0.1:${port}`,
    pods,
    get extra() { return state.extra; },
    set extra(v: () => string[]) { state.extra = v; },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
