// The simulated kubelet does not run probes, but a readiness probe on a port name the container
// does not declare fails on a real node every time: such a pod never becomes ready. helm create's
// chart probes `port: http`, the name of its container port.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Faults } from '../../sim/faults.js';
import { ManualClock, startControllers } from '../../sim/controllers/index.js';
import { MemoryStore } from '../../sim/store/memory-store.js';
import { KINDS } from '../../sim/store/resources.js';

type Json = Record<string, any>;

const running: { stop(): void }[] = [];
afterEach(() => {
  while (running.length > 0) running.pop()!.stop();
});

function podReadiness(portName: string) {
  const clock = new ManualClock();
  const store = new MemoryStore({ now: () => new Date(clock.now()) });
  store.create(KINDS.namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } });
  running.push(startControllers({ store, faults: new Faults(), options: { podReadyDelayMs: 1000, clock } }));
  const probe = { httpGet: { path: '/', port: 'http' } };
  store.create(KINDS.deployment, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'ns' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'repo/web:1', ports: [{ name: portName, containerPort: 80, protocol: 'TCP' }], livenessProbe: probe, readinessProbe: probe }] },
      },
    },
  });
  return async () => {
    await clock.advance(0);
    await clock.advance(1000);
    const pods = store.list(KINDS.pod, 'ns');
    assert.equal(pods.length, 1);
    const status = pods[0]!.status as Json;
    return { phase: status.phase, ready: status.conditions.find((c: Json) => c.type === 'Ready').status };
  };
}

describe('kubelet readiness probes on named ports', () => {
  it("makes helm create's pod ready: its probe names the container's `http` port", async () => {
    assert.deepEqual(await podReadiness('http')(), { phase: 'Running', ready: 'True' });
  });

  it('never makes a pod ready whose readiness probe names a port the container lacks', async () => {
    assert.deepEqual(await podReadiness('web')(), { phase: 'Running', ready: 'False' });
  });
});
