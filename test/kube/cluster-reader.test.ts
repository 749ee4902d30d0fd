import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCluster, type Cluster } from '../../sim/cluster.js';
import { KINDS } from '../../sim/store/resources.js';
import type { KubeObject } from '../../sim/store/types.js';
import { KubeClusterReader, deploymentState } from '../../src/kube/cluster-reader.js';
import { connectKube, type KubeConnection } from '../../src/kube/kube-context.js';
import { liveToValues } from '../../src/rollout/live-values.js';
import type { ReleaseObjects } from '../../src/rollout/ports.js';
import { deployment, putObject, replicaSet, startKube } from './fixtures.js';

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
    const web = putObject(cluster, 'deployment', deployment('shop', 'web', { image: 'reg.example:5000/team/web:1.0.0', canary: false, replicas: 3, revision: 1, status: settledStatus(3) }));
    putObject(cluster, 'replicaSet', replicaSet(web, { revision: 1, ready: 3 }));
    const canary = putObject(
      cluster,
      'deployment',
      deployment('shop', 'web-canary', {
        image: 'reg.example:5000/team/web:1.1.0',
        canary: true,
        replicas: 3,
        revision: 2,
        // Rolling: one new pod not ready yet, and a ready old pod still around.
        status: { observedGeneration: 1, replicas: 4, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 },
      }),
    );
    putObject(cluster, 'replicaSet', replicaSet(canary, { revision: 1, ready: 1, image: 'reg.example:5000/team/web:1.0.0' }));
    putObject(cluster, 'replicaSet', replicaSet(canary, { revision: 2, ready: 2 }));
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
    cluster.requests.clear();
    const live = await new KubeClusterReader(kube).readLive('shop', objects);
    const lists = cluster.requests.find('GET', /^\/apis\/apps\/v1\/namespaces\/shop\/replicasets$/).map((r) => r.query.labelSelector).sort();
    assert.deepEqual(lists, ['app=web,canary=false', 'app=web,canary=true'], 'one ReplicaSet list per Deployment, by its selector');
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
    assert.equal(live.canary?.ready, 2, 'the old ReplicaSet\'s ready pod is not counted');
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
  const REVISION = 'deployment.kubernetes.io/revision';
  const dep = (o: { replicas?: number; status?: Record<string, number>; generation?: number; revision?: string; image?: string } = {}) =>
    ({
      metadata: { name: 'd', uid: 'uid-d', generation: o.generation ?? 2, annotations: o.revision === undefined ? {} : { [REVISION]: o.revision } },
      spec: { selector: {}, template: { spec: { containers: [{ name: 'c', image: o.image ?? 'app:2' }] } }, ...(o.replicas === undefined ? {} : { replicas: o.replicas }) },
      status: o.status ?? {},
    }) as never;
  const rs = (revision: string, ready: number, o: { image?: string; uid?: string; controller?: boolean } = {}) =>
    ({
      metadata: { name: `d-${revision}`, annotations: { [REVISION]: revision }, ownerReferences: [{ kind: 'Deployment', name: 'd', uid: o.uid ?? 'uid-d', controller: o.controller ?? true }] },
      spec: { template: { spec: { containers: [{ name: 'c', image: o.image ?? 'app:2' }] } } },
      status: { readyReplicas: ready },
    }) as never;
  const full = { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 };

  // One row per case: the ReplicaSets the reader listed, and the ready count it must report.
  const readyCases: Array<[string, Parameters<typeof dep>[0], ReturnType<typeof rs>[], number]> = [
    ['the current ReplicaSet\'s ready pods', { revision: '2', status: full }, [rs('1', 2, { image: 'app:1' }), rs('2', 2)], 2],
    ['none while the new version is Pending, however many old pods are ready', { revision: '2', status: { ...full, readyReplicas: 2 } }, [rs('1', 2, { image: 'app:1' }), rs('2', 0)], 0],
    ['none while the controller has not observed the latest generation', { revision: '2', status: { ...full, observedGeneration: 1 } }, [rs('2', 2)], 0],
    ['none without a current ReplicaSet', { revision: '2', status: full }, [], 0],
    ['not an older revision at the same image (a change other than the image)', { revision: '3', status: full }, [rs('2', 2)], 0],
    ['not a ReplicaSet at another image', { revision: '2', status: full }, [rs('2', 2, { image: 'app:1' })], 0],
    ['not a ReplicaSet another Deployment controls', { revision: '2', status: full }, [rs('2', 2, { uid: 'uid-other' })], 0],
    ['not a ReplicaSet the Deployment owns without controlling', { revision: '2', status: full }, [rs('2', 2, { controller: false })], 0],
    ['without the Deployment\'s revision: the highest revision at its image', { status: full }, [rs('1', 1, { image: 'app:1' }), rs('2', 1), rs('3', 2)], 2],
    ['none when scaled to zero', { replicas: 0, revision: '2', status: { observedGeneration: 2 } }, [rs('2', 0)], 0],
  ];
  for (const [name, d, replicaSets, ready] of readyCases) {
    it(`ready: ${name}`, () => assert.equal(deploymentState(dep(d), replicaSets).ready, ready));
  }

  it('is settled only when the controller saw the latest spec and every count matches', () => {
    const settled = (d: Parameters<typeof dep>[0], ready = 2) => deploymentState(dep({ replicas: 2, revision: '2', ...d }), [rs('2', ready)]).settled;
    assert.equal(settled({ status: full }), true);
    assert.equal(settled({ status: { ...full, observedGeneration: 1 } }), false, 'stale observedGeneration');
    assert.equal(settled({ status: { ...full, replicas: 3 } }), false, 'an old pod remains');
    assert.equal(settled({ status: { ...full, availableReplicas: 1 } }), false);
    assert.equal(settled({ status: full }, 1), false, 'a new pod is not ready though the status counts 2');
    assert.equal(deploymentState(dep({ replicas: 0, revision: '2', status: { observedGeneration: 2 } }), [rs('2', 0)]).settled, true, 'scaled to zero: counts are omitted');
    assert.equal(deploymentState(dep(), []).desired, 1, 'spec.replicas defaults to 1');
    assert.equal(deploymentState(dep({ image: 'app' }), []).tag, 'latest');
  });
});

// The Deployment and ReplicaSet controllers of the simulator roll the Deployment out, so the
// ReplicaSets, their revisions and pod readiness are what a controller makes of them.
describe('KubeClusterReader with the Deployment controller', () => {
  const A = 'reg.example:5000/team/web:1.0.0';
  const B = 'reg.example:5000/team/web:1.1.0';
  let cluster: Cluster;
  let kube: KubeConnection;
  before(async () => {
    cluster = await startCluster({ namespaces: ['live'], podReadyDelayMs: 0, podTerminationDelayMs: 0 });
    kube = await connectKube({ kubeconfig: cluster.kubeconfigPath });
  });
  after(() => cluster?.stop());

  const stored = () => cluster.store.get(KINDS.deployment, 'live', 'web')!;
  const statusReady = () => (stored().status as { readyReplicas?: number }).readyReplicas ?? 0;
  const readProduction = async () => (await new KubeClusterReader(kube).readLive('live', objects)).production;
  async function waitFor(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
    for (const deadline = Date.now() + 5000; !(await check()); ) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('counts only the new version\'s pods while the old ones are still ready', async () => {
    putObject(cluster, 'deployment', deployment('live', 'web', { image: A, canary: false, replicas: 2 }));
    await waitFor('2/2 ready on A', async () => (await readProduction())?.ready === 2);

    cluster.faults.setImageBehaviour(B, 'never-ready');
    const dep = stored();
    (dep.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image = B;
    cluster.store.update(KINDS.deployment, dep);
    const isRollingOut = () => {
      const d = stored();
      return (d.status as { observedGeneration?: number }).observedGeneration === d.metadata.generation && cluster.store.list(KINDS.replicaSet, 'live').length === 2;
    };
    await waitFor('the controller to start the rollout to B', isRollingOut);

    const rolling = await readProduction();
    assert.equal(statusReady(), 2, 'the Deployment status still counts the old pods');
    assert.equal(rolling?.tag, '1.1.0');
    assert.equal(rolling?.ready, 0);
    assert.equal(rolling?.settled, false);

    // B is fixed: its pods restart ready and the rollout completes.
    cluster.faults.setImageBehaviour(B, 'ready');
    for (const pod of cluster.store.list(KINDS.pod, 'live').filter((p: KubeObject) => (p.spec as { containers: { image: string }[] }).containers[0]!.image === B)) {
      cluster.store.delete(KINDS.pod, 'live', pod.metadata.name);
    }
    await waitFor('the rollout to B to settle', async () => (await readProduction())?.settled === true);
    assert.equal((await readProduction())?.ready, 2);
  });
});
