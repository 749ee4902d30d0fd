// @kubernetes/client-node 1.4 (what the tool itself uses) against the simulated API server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startCluster } from '../../sim/cluster.js';
import type { Cluster } from '../../sim/cluster.js';

function deployment(name: string): k8s.V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'app:1' }, { name: 'proxy', image: 'proxy:1' }] } },
    },
  };
}

const virtualService = {
  apiVersion: 'networking.istio.io/v1beta1',
  kind: 'VirtualService',
  metadata: { name: 'web' },
  spec: {
    hosts: ['web'],
    http: [{ route: [{ destination: { host: 'web', subset: 'production' }, weight: 90 }, { destination: { host: 'web', subset: 'canary' }, weight: 10 }] }],
  },
};

describe('@kubernetes/client-node against the simulator', () => {
  let cluster: Cluster;
  let apps: k8s.AppsV1Api;
  let core: k8s.CoreV1Api;
  let custom: k8s.CustomObjectsApi;

  before(async () => {
    cluster = await startCluster({ controllers: [] });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    core = kc.makeApiClient(k8s.CoreV1Api);
    custom = kc.makeApiClient(k8s.CustomObjectsApi);
    await core.createNamespace({ body: { metadata: { name: 'team' } } });
  });
  after(() => cluster.stop());

  it('creates, reads, replaces and patches a Deployment', async () => {
    const created = await apps.createNamespacedDeployment({ namespace: 'team', body: deployment('web') });
    assert.equal(created.metadata?.generation, 1);
    assert.equal(created.spec?.progressDeadlineSeconds, 600);
    const read = await apps.readNamespacedDeployment({ name: 'web', namespace: 'team' });
    read.spec!.replicas = 3;
    const replaced = await apps.replaceNamespacedDeployment({ name: 'web', namespace: 'team', body: read });
    assert.equal(replaced.spec?.replicas, 3);
    assert.equal(replaced.metadata?.generation, 2);

    const patched = await apps.patchNamespacedDeployment(
      { name: 'web', namespace: 'team', body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    );
    assert.deepEqual(patched.spec?.template.spec?.containers.map((c) => c.image), ['app:2', 'proxy:1']);

    const jsonPatched = await apps.patchNamespacedDeployment({
      name: 'web',
      namespace: 'team',
      body: [{ op: 'replace', path: '/spec/replicas', value: 2 }],
    });
    assert.equal(jsonPatched.spec?.replicas, 2);
  });

  it('surfaces a stale resourceVersion as ApiException 409', async () => {
    const stale = await apps.readNamespacedDeployment({ name: 'web', namespace: 'team' });
    const fresh = await apps.readNamespacedDeployment({ name: 'web', namespace: 'team' });
    fresh.spec!.replicas = 5;
    await apps.replaceNamespacedDeployment({ name: 'web', namespace: 'team', body: fresh });
    stale.spec!.replicas = 7;
    await assert.rejects(
      apps.replaceNamespacedDeployment({ name: 'web', namespace: 'team', body: stale }),
      (err: unknown) => err instanceof k8s.ApiException && err.code === 409,
    );
  });

  it('reports a missing object as ApiException 404', async () => {
    await assert.rejects(
      apps.readNamespacedDeployment({ name: 'nope', namespace: 'team' }),
      (err: unknown) => err instanceof k8s.ApiException && err.code === 404,
    );
  });

  it('writes a VirtualService at v1beta1 and reads it back at v1', async () => {
    await custom.createNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1beta1', namespace: 'team', plural: 'virtualservices', body: virtualService });
    const read = (await custom.getNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1', namespace: 'team', plural: 'virtualservices', name: 'web' })) as typeof virtualService;
    assert.equal(read.apiVersion, 'networking.istio.io/v1');
    assert.equal(read.spec.http[0]!.route[1]!.weight, 10);

    const patched = (await custom.patchNamespacedCustomObject(
      {
        group: 'networking.istio.io',
        version: 'v1',
        namespace: 'team',
        plural: 'virtualservices',
        name: 'web',
        body: { spec: { http: [{ route: [{ destination: { host: 'web', subset: 'production' }, weight: 100 }, { destination: { host: 'web', subset: 'canary' }, weight: 0 }] }] } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    )) as typeof virtualService;
    assert.deepEqual(patched.spec.http[0]!.route.map((r) => r.weight), [100, 0]);
  });

  it('rejects a VirtualService whose weights do not sum to 100, as Istio does', async () => {
    const bad = structuredClone(virtualService);
    bad.metadata.name = 'bad';
    bad.spec.http[0]!.route[1]!.weight = 20;
    await assert.rejects(
      custom.createNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1', namespace: 'team', plural: 'virtualservices', body: bad }),
      (err: unknown) => err instanceof k8s.ApiException && err.code === 400 && String(err.body).includes('total destination weight 110 != 100'),
    );
  });

  it('lists with a label selector', async () => {
    await apps.createNamespacedDeployment({ namespace: 'team', body: deployment('api') });
    const list = await apps.listNamespacedDeployment({ namespace: 'team', labelSelector: 'app in (api)' });
    assert.deepEqual(list.items.map((d) => d.metadata?.name), ['api']);
    assert.ok(list.metadata?.resourceVersion);
  });

  it('applies server-side through KubernetesObjectApi', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace: 'team' }, data: { a: '1' } };
    await objects.patch(body, undefined, undefined, 'tester', true, k8s.PatchStrategy.ServerSideApply);
    const read = await core.readNamespacedConfigMap({ name: 'applied', namespace: 'team' });
    assert.deepEqual(read.data, { a: '1' });
    assert.equal(read.metadata?.managedFields?.[0]?.manager, 'tester');
  });
});
