import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Cluster } from '../../sim/cluster.js';
import { KINDS } from '../../sim/store/resources.js';
import { KubeClusterReader, deploymentState } from '../../src/kube/cluster-reader.js';
import type { KubeConnection } from '../../src/kube/kube-context.js';
import { liveToValues, type ReleaseObjects } from '../../src/rollout/ports.js';
import { deployment, putObject, startKube } from './fixtures.js';

const objects: ReleaseObjects = {
  production: 'web',
  canary: 'web-canary',
  virtualService: 'web',
  destinationRule: 'web',
  subsets: { production: 'production', canary: 'canary' },
};

const settledStatus = (n: number) => ({ observedGeneration: 1, replicas: n, updatedReplicas: n, readyReplicas: n, availableReplicas: n });

describe('KubeClusterReader', () => {
  let cluster: Cluster;
  let kube: KubeConnection;
  before(async () => {
    ({ cluster, kube } = await startKube(['shop', 'empty', 'old']));
    putObject(cluster, 'deployment', deployment('shop', 'web', { image: 'reg.example:5000/team/web:1.0.0', canary: false, replicas: 3, status: settledStatus(3) }));
    putObject(
      cluster,
      'deployment',
      deployment('shop', 'web-canary', {
        image: 'reg.example:5000/team/web:1.1.0',
        canary: true,
        replicas: 3,
        // Rolling: one pod not ready yet, and an old pod still around.
        status: { observedGeneration: 1, replicas: 4, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2 },
      }),
    );
    // Written at v1beta1, as an older chart does; the reader asks for v1 first.
    putObject(cluster, 'virtualService', {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'VirtualService',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        hosts: ['web'],
        http: [
          { match: [{ headers: { 'x-canary': { exact: 'yes' } } }], route: [{ destination: { host: 'web', subset: 'canary' } }] },
          {
            route: [
              { destination: { host: 'web', subset: 'production' }, weight: 90 },
              { destination: { host: 'web', subset: 'canary' }, weight: 10 },
            ],
          },
        ],
      },
    });
    putObject(cluster, 'destinationRule', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { host: 'web', subsets: [{ name: 'production', labels: { canary: 'false' } }, { name: 'canary', labels: { canary: 'true' } }] },
    });
  });
  after(() => cluster?.stop());

  it('reads both Deployments, the split route weights and the subsets', async () => {
    const live = await new KubeClusterReader(kube).readLive('shop', objects);
    assert.deepEqual(live.production, {
      name: 'web',
      image: 'reg.example:5000/team/web:1.0.0',
      repository: 'reg.example:5000/team/web',
      tag: '1.0.0',
      desired: 3,
      ready: 3,
      updated: 3,
      available: 3,
      settled: true,
    });
    assert.equal(live.canary?.tag, '1.1.0');
    assert.equal(live.canary?.ready, 2);
    assert.equal(live.canary?.settled, false);
    assert.deepEqual(live.traffic, { virtualService: 'web', weights: { production: 90, canary: 10 }, destinationRule: 'web', subsets: ['production', 'canary'] });
    assert.deepEqual(liveToValues(live, objects), {
      production: { repository: 'reg.example:5000/team/web', tag: '1.0.0', replicas: 3, weight: 90 },
      canary: { repository: 'reg.example:5000/team/web', tag: '1.1.0', replicas: 3, weight: 10 },
    });
  });

  it('leaves missing objects out instead of failing', async () => {
    const live = await new KubeClusterReader(kube).readLive('empty', objects);
    assert.deepEqual(live, {});
  });

  it('falls back to v1beta1 when the cluster does not serve networking.istio.io/v1', async () => {
    cluster.faults.failRequests({ path: /^\/apis\/networking\.istio\.io\/v1\//, status: 404 });
    try {
      cluster.requests.clear();
      const live = await new KubeClusterReader(kube).readLive('shop', objects);
      assert.deepEqual(live.traffic?.weights, { production: 90, canary: 10 });
      assert.equal(cluster.requests.find('GET', /^\/apis\/networking\.istio\.io\/v1beta1\/namespaces\/shop\/virtualservices\/web$/).length, 1);
      assert.deepEqual(live.traffic?.subsets, ['production', 'canary']);
    } finally {
      cluster.faults.clear();
    }
  });

  it('reports a VirtualService without a DestinationRule with no subsets', async () => {
    putObject(cluster, 'virtualService', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'web', namespace: 'old' },
      spec: { hosts: ['web'], http: [{ route: [{ destination: { host: 'web', subset: 'production' } }] }] },
    });
    const live = await new KubeClusterReader(kube).readLive('old', objects);
    assert.deepEqual(live.traffic, { virtualService: 'web', weights: { production: 100 }, subsets: [] });
  });
});

describe('deploymentState', () => {
  const dep = (spec: Record<string, unknown>, status: Record<string, number>, generation = 2) =>
    deploymentState({ metadata: { name: 'd', generation }, spec: { selector: {}, template: { spec: { containers: [{ name: 'c', image: 'app' }] } }, ...spec }, status } as never);

  it('is settled only when the controller saw the latest spec and every count matches', () => {
    const full = { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 };
    assert.equal(dep({ replicas: 2 }, full).settled, true);
    assert.equal(dep({ replicas: 2 }, { ...full, observedGeneration: 1 }).settled, false, 'stale observedGeneration');
    assert.equal(dep({ replicas: 2 }, { ...full, replicas: 3 }).settled, false, 'an old pod remains');
    assert.equal(dep({ replicas: 2 }, { ...full, availableReplicas: 1 }).settled, false);
    assert.equal(dep({ replicas: 0 }, { observedGeneration: 2 }).settled, true, 'scaled to zero: counts are omitted');
    assert.equal(dep({}, {}).desired, 1, 'spec.replicas defaults to 1');
    assert.equal(dep({}, {}).tag, 'latest');
  });
});
