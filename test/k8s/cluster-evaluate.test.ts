// The cluster phase's judgements, table-tested on plain objects.
import { describe, expect, it } from 'vitest';
import {
  checkDeployment, checkHpa, checkIngress, checkPod, checkService, compareHpaSamples, judgedService, type HpaSample,
} from '../../src/phases/cluster/evaluate.js';
import { describeHpaScaling } from '../../src/phases/cluster.js';

const NOW = Date.parse('2025-09-02T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000);

describe('cluster checks', () => {
  it('deployments: available only with every replica', () => {
    expect(checkDeployment({ metadata: { name: 'd' }, spec: { replicas: 3, selector: {}, template: {} }, status: { availableReplicas: 3, conditions: [{ type: 'Available', status: 'True' }] } }).ok).toBe(true);
    expect(checkDeployment({ metadata: { name: 'd' }, spec: { replicas: 3, selector: {}, template: {} }, status: { availableReplicas: 1, conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' }] } }))
      .toEqual({ object: 'deployment d', ok: false, reason: 'deployment d not available: 1/3 replicas available (MinimumReplicasUnavailable)' });
  });

  it.each([
    [{ phase: 'Succeeded' }, undefined],
    [{ phase: 'Pending', containerStatuses: [{ name: 'a', image: '', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } }] }, 'pod p not Running: Pending (ImagePullBackOff)'],
    [{ phase: 'Running', conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }] }, 'pod p not Ready: ContainersNotReady'],
    [{ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'a', image: '', imageID: '', ready: true, restartCount: 2, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: ago(60) } } }] }, 'pod p restarted: container a 2 restart(s), last 60s ago (OOMKilled)'],
    [{ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'a', image: '', imageID: '', ready: true, restartCount: 2, lastState: { terminated: { exitCode: 1, finishedAt: ago(3600) } } }] }, undefined],
  ])('pod status %j -> %s', (status, reason) => {
    const f = checkPod({ metadata: { name: 'p' }, status }, NOW, 900);
    expect(f.ok).toBe(reason === undefined);
    expect(f.reason).toBe(reason);
  });

  it('services: headless, selector-less and ExternalName are not judged; others need a ready endpoint', () => {
    expect(judgedService({ spec: { clusterIP: 'None', selector: { a: 'b' } } })).toBe(false);
    expect(judgedService({ spec: { clusterIP: '10.0.0.9' } })).toBe(false);
    expect(judgedService({ spec: { type: 'ExternalName', selector: { a: 'b' } } })).toBe(false);
    const svc = { metadata: { name: 's' }, spec: { selector: { a: 'b' } } };
    const slice = (ready: boolean | undefined) => ({ addressType: 'IPv4', metadata: { labels: { 'kubernetes.io/service-name': 's' } },
      endpoints: [{ addresses: ['10.1.0.1'], conditions: ready === undefined ? {} : { ready } }] });
    expect(checkService(svc, [slice(false)])).toEqual({ object: 'service s', ok: false, reason: 'service s has no ready endpoints' });
    expect(checkService(svc, [slice(undefined)]).ok).toBe(true);
    expect(checkService(svc, [{ addressType: 'IPv4', metadata: { labels: { 'kubernetes.io/service-name': 's' } }, endpoints: null as never }]).ok).toBe(false);
  });

  it('ingresses need an address', () => {
    expect(checkIngress({ metadata: { name: 'i' }, status: { loadBalancer: { ingress: [{ hostname: 'lb.example' }] } } }).ok).toBe(true);
    expect(checkIngress({ metadata: { name: 'i' }, status: {} }).reason).toBe('ingress i has no address');
  });

  it('HPAs: below minimum fails; scaling under load is reported', () => {
    const s = (current: number, desired: number, at = 0): HpaSample => ({ name: 'h', current, desired, min: 2, max: 10, at });
    expect(checkHpa(s(1, 2)).reason).toBe('hpa h below its minimum: 1 current < 2 min (desired 2)');
    expect(checkHpa(s(2, 5)).ok).toBe(true);
    expect(compareHpaSamples([s(2, 2)], [s(2, 4, 1), s(4, 4, 2)])).toEqual([{ name: 'h', before: 2, peakDesired: 4, peakCurrent: 4, scaled: true, atMax: false }]);
    expect(compareHpaSamples([s(2, 2)], [s(2, 2, 1)])[0]?.scaled).toBe(false);
    const [up] = compareHpaSamples([s(2, 2)], [s(4, 4, 1)]);
    expect(up && describeHpaScaling(up)).toBe('hpa h scaled under load: 2 -> 4 replicas (desired peak 4)');
  });
});
