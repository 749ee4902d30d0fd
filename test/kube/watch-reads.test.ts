// The reads behind `status --watch` and `status -A` over a stand-in connection: pods found through
// each Deployment's selector, events about the release's objects only (newest last, the last N),
// and the namespaces holding records, with a fallback to every visible namespace on a 403.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeConnection } from '../../src/kube/kube-context.js';
import { KubeReleaseActivity } from '../../src/kube/release-activity.js';
import { namespacesWithRecords } from '../../src/kube/record-namespaces.js';

const OBJECTS = { production: 'web-production', canary: 'web-canary', virtualService: 'web', destinationRule: 'web', subsets: { production: 'production', canary: 'canary' } };

function connection(parts: { core: Record<string, unknown>; apps?: Record<string, unknown> }): KubeConnection {
  return { core: parts.core, apps: parts.apps ?? {}, call: (_what: string, fn: () => Promise<unknown>) => fn() } as unknown as KubeConnection;
}

function pod(name: string, tag: string, ready: boolean, restarts = 0, deleting = false) {
  return {
    metadata: { name, ...(deleting ? { deletionTimestamp: new Date() } : {}) },
    spec: { containers: [{ image: `acr.io/web:${tag}` }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], containerStatuses: [{ restartCount: restarts }] },
  };
}

function event(name: string, kind: string, at: string, reason: string) {
  return { involvedObject: { kind, name }, lastTimestamp: new Date(at), type: 'Normal', reason, message: ` ${reason} of ${name} ` };
}

describe('KubeReleaseActivity', () => {
  it("lists each Deployment's pods through its selector and the last events about the release's objects", async () => {
    const selectors: string[] = [];
    const kube = connection({
      apps: { readNamespacedDeployment: async ({ name }: { name: string }) => ({ spec: { selector: { matchLabels: { app: 'web', canary: String(name.endsWith('canary')) } } } }) },
      core: {
        listNamespacedPod: async ({ labelSelector }: { labelSelector: string }) => {
          selectors.push(labelSelector);
          return { items: labelSelector.endsWith('true') ? [pod('web-canary-b', 'v2', false, 3), pod('web-canary-a', 'v2', true)] : [pod('web-production-a', 'v1', true, 0, true)] };
        },
        listNamespacedEvent: async () => ({
          items: [
            event('web-canary-7d9f', 'ReplicaSet', '2026-01-01T00:00:05Z', 'SuccessfulCreate'),
            event('other-app', 'Deployment', '2026-01-01T00:00:06Z', 'ScalingReplicaSet'),
            event('web-canary', 'Deployment', '2026-01-01T00:00:01Z', 'ScalingReplicaSet'),
            event('web-canary-7d9f-x1', 'Pod', '2026-01-01T00:00:07Z', 'Started'),
          ],
        }),
      },
    });
    const activity = await new KubeReleaseActivity(kube).read('shop', OBJECTS, 2);
    assert.deepEqual(selectors.sort(), ['app=web,canary=false', 'app=web,canary=true']);
    assert.deepEqual(activity.pods, [
      { role: 'production', name: 'web-production-a', tag: 'v1', phase: 'Terminating', ready: true, restarts: 0 },
      { role: 'canary', name: 'web-canary-a', tag: 'v2', phase: 'Running', ready: true, restarts: 0 },
      { role: 'canary', name: 'web-canary-b', tag: 'v2', phase: 'Running', ready: false, restarts: 3 },
    ]);
    assert.deepEqual(activity.events, [
      { at: '2026-01-01T00:00:05.000Z', object: 'ReplicaSet/web-canary-7d9f', type: 'Normal', reason: 'SuccessfulCreate', message: 'SuccessfulCreate of web-canary-7d9f' },
      { at: '2026-01-01T00:00:07.000Z', object: 'Pod/web-canary-7d9f-x1', type: 'Normal', reason: 'Started', message: 'Started of web-canary-7d9f-x1' },
    ]);
  });
});

describe('namespacesWithRecords', () => {
  it('the namespaces of the ConfigMaps listed across all namespaces, once each, sorted', async () => {
    const kube = connection({
      core: {
        listConfigMapForAllNamespaces: async ({ labelSelector }: { labelSelector: string }) => {
          assert.equal(labelSelector, 'app.kubernetes.io/managed-by=helm-canary');
          return { items: [{ metadata: { namespace: 'shop' } }, { metadata: { namespace: 'bookinfo' } }, { metadata: { namespace: 'shop' } }] };
        },
      },
    });
    assert.deepEqual(await namespacesWithRecords(kube), { namespaces: ['bookinfo', 'shop'], exact: true });
  });

  it('without the right to list ConfigMaps cluster-wide (403): every namespace the user can list', async () => {
    const kube = connection({
      core: {
        listConfigMapForAllNamespaces: async () => Promise.reject(Object.assign(new Error('forbidden'), { code: 403, body: '{"reason":"Forbidden"}' })),
        listNamespace: async () => ({ items: [{ metadata: { name: 'team-b' } }, { metadata: { name: 'team-a' } }] }),
      },
    });
    assert.deepEqual(await namespacesWithRecords(kube), { namespaces: ['team-a', 'team-b'], exact: false });
  });
});
