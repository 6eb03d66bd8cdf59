/**
 * Pure: Kubernetes objects -> problems, one line each naming the object, as the
 * runbook's "Service Status Check" would find them with kubectl get.
 */
import type {
  V1Deployment, V1EndpointSlice, V1Ingress, V1Pod, V1Service, V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';

export interface Finding { object: string; ok: boolean; reason?: string }

const nameOf = (o: { metadata?: { name?: string } }): string => o.metadata?.name ?? '?';

export function checkDeployment(d: V1Deployment): Finding {
  const object = `deployment ${nameOf(d)}`;
  const want = d.spec?.replicas ?? 1;
  const available = d.status?.availableReplicas ?? 0;
  const cond = d.status?.conditions?.find((c) => c.type === 'Available');
  if (cond?.status === 'True' && available >= want) return { object, ok: true };
  const why = cond?.status === 'True' ? 'fewer replicas than wanted' : cond?.reason ?? 'no Available condition';
  return { object, ok: false, reason: `${object} not available: ${available}/${want} replicas available (${why})` };
}

const toMs = (t: Date | string | undefined): number | undefined => (t === undefined ? undefined : new Date(t).getTime());

/** Pods of finished Jobs are done, not down: Succeeded counts as fine. */
export function checkPod(p: V1Pod, nowMs: number, restartWindowSeconds: number): Finding {
  const object = `pod ${nameOf(p)}`;
  const phase = p.status?.phase ?? 'Unknown';
  if (phase === 'Succeeded') return { object, ok: true };
  if (phase !== 'Running') {
    const waiting = p.status?.containerStatuses?.map((c) => c.state?.waiting?.reason).find((r) => r);
    return { object, ok: false, reason: `${object} not Running: ${phase}${waiting ? ` (${waiting})` : ''}` };
  }
  const ready = p.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status !== 'True') {
    const cr = p.status?.conditions?.find((c) => c.type === 'ContainersReady' && c.status !== 'True');
    return { object, ok: false, reason: `${object} not Ready: ${ready?.reason ?? cr?.reason ?? 'no Ready condition'}` };
  }
  for (const c of p.status?.containerStatuses ?? []) {
    if ((c.restartCount ?? 0) === 0) continue;
    const last = c.lastState?.terminated;
    const at = toMs(last?.finishedAt) ?? toMs(c.state?.running?.startedAt);
    if (at === undefined || nowMs - at <= restartWindowSeconds * 1000) {
      const when = at === undefined ? '' : `, last ${Math.round((nowMs - at) / 1000)}s ago`;
      return { object, ok: false, reason: `${object} restarted: container ${c.name} ${c.restartCount} restart(s)${when}${last?.reason ? ` (${last.reason})` : ''}` };
    }
  }
  return { object, ok: true };
}

/** Services that route to pods must have a ready endpoint; headless, selector-less and ExternalName ones are not judged. */
export function judgedService(s: V1Service): boolean {
  return s.spec?.type !== 'ExternalName' && s.spec?.clusterIP !== 'None' && Object.keys(s.spec?.selector ?? {}).length > 0;
}

export function checkService(s: V1Service, slices: readonly V1EndpointSlice[]): Finding {
  const name = nameOf(s);
  const object = `service ${name}`;
  const mine = slices.filter((sl) => sl.metadata?.labels?.['kubernetes.io/service-name'] === name);
  // An endpoint without a ready condition counts as ready (the API's own convention).
  const ready = mine.flatMap((sl) => sl.endpoints ?? []).filter((e) => e.conditions?.ready !== false).length;
  return ready > 0 ? { object, ok: true } : { object, ok: false, reason: `${object} has no ready endpoints` };
}

export function checkIngress(i: V1Ingress): Finding {
  const object = `ingress ${nameOf(i)}`;
  const addrs = (i.status?.loadBalancer?.ingress ?? []).map((a) => a.ip ?? a.hostname).filter((a) => a);
  return addrs.length > 0 ? { object, ok: true } : { object, ok: false, reason: `${object} has no address` };
}

export interface HpaSample {
  name: string;
  current: number;
  desired: number;
  min: number;
  max: number;
  /** wall-clock ms when sampled */
  at: number;
  /** resource metrics with a utilisation target: target and current average utilisation (%) */
  utilisation?: HpaUtilisation[];
}

export interface HpaUtilisation { resource: string; target: number; current?: number }

function utilisationOf(h: V2HorizontalPodAutoscaler): HpaUtilisation[] {
  const out: HpaUtilisation[] = [];
  for (const m of h.spec?.metrics ?? []) {
    const r = m.type === 'Resource' ? m.resource : m.type === 'ContainerResource' ? m.containerResource : undefined;
    const target = r?.target?.averageUtilization;
    if (!r || target === undefined) continue;
    const cur = (h.status?.currentMetrics ?? []).find((c) => (c.type === m.type) && (c.resource?.name ?? c.containerResource?.name) === r.name);
    const current = (cur?.resource ?? cur?.containerResource)?.current?.averageUtilization;
    out.push({ resource: r.name, target, ...(current !== undefined ? { current } : {}) });
  }
  return out;
}

export function hpaSample(h: V2HorizontalPodAutoscaler, at: number): HpaSample {
  return {
    name: nameOf(h),
    current: h.status?.currentReplicas ?? 0,
    desired: h.status?.desiredReplicas ?? 0,
    min: h.spec?.minReplicas ?? 1,
    max: h.spec?.maxReplicas ?? 0,
    at,
    utilisation: utilisationOf(h),
  };
}

/** An HPA that cannot keep its floor is a problem now; one still converging is only reported. */
export function checkHpa(s: HpaSample): Finding {
  const object = `hpa ${s.name}`;
  if (s.current < s.min) return { object, ok: false, reason: `${object} below its minimum: ${s.current} current < ${s.min} min (desired ${s.desired})` };
  return { object, ok: true };
}

export interface HpaScaling { name: string; before: number; peakDesired: number; peakCurrent: number; scaled: boolean; atMax: boolean }

/** Whether each HPA reacted during the load: its desired or current replicas rose above the starting count. */
export function compareHpaSamples(before: readonly HpaSample[], during: readonly HpaSample[]): HpaScaling[] {
  return before.map((b) => {
    const mine = during.filter((d) => d.name === b.name);
    const peakDesired = Math.max(b.desired, ...mine.map((d) => d.desired));
    const peakCurrent = Math.max(b.current, ...mine.map((d) => d.current));
    return { name: b.name, before: b.current, peakDesired, peakCurrent, scaled: peakDesired > b.current || peakCurrent > b.current, atMax: b.max > 0 && b.current >= b.max };
  });
}
