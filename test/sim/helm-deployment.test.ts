// Real helm writing a Deployment (without --wait: rollout status needs the controllers, which
// have their own tests). Helm 3 patches with strategic merge, helm 4 applies server-side, and a
// field someone else changed makes helm 4 fail with a conflict unless it forces.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startCluster } from '../../sim/cluster.js';
import type { Cluster } from '../../sim/cluster.js';
import { KINDS } from '../../sim/store/resources.js';
import { DEPLOYMENT_TEMPLATE, helmAvailable, makeHelm, writeChart } from './helm-env.js';

type JsonMap = Record<string, any>;

describe('helm and Deployments', { skip: !helmAvailable() && 'run `npm run helm:setup` first' }, () => {
  let cluster: Cluster;
  let chart: string;
  const homes: string[] = [];
  before(async () => {
    cluster = await startCluster({ controllers: [] });
    chart = await writeChart();
    await writeFile(join(chart, 'templates', 'deployment.yaml'), DEPLOYMENT_TEMPLATE);
  });
  after(async () => {
    await cluster.stop();
    await rm(chart, { recursive: true, force: true });
    for (const home of homes) await rm(home, { recursive: true, force: true });
  });
  const deployment = (ns: string) => cluster.store.get(KINDS.deployment, ns, 'web')!;
  const images = (ns: string) => ((deployment(ns).spec as JsonMap).template.spec.containers as JsonMap[]).map((c) => c.image);

  it('helm 3 upgrades a Deployment with a strategic merge patch', async () => {
    const helm = await makeHelm(3, cluster.kubeconfigPath);
    homes.push(helm.home);
    const base = ['upgrade', '--install', '--create-namespace', '-n', 'h3', 'rel', chart];
    assert.equal((await helm(base)).code, 0);
    cluster.requests.clear();
    const result = await helm([...base, '--set', 'tag=2']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(images('h3'), ['app:2', 'proxy:1']);
    assert.equal(deployment('h3').metadata.generation, 2);
    const patches = cluster.requests.find('PATCH', /deployments\/web$/);
    assert.deepEqual(patches.map((r) => r.contentType), ['application/strategic-merge-patch+json']);
  });

  it('helm 4 applies server-side and reports a conflict with another field manager', async () => {
    const helm = await makeHelm(4, cluster.kubeconfigPath);
    homes.push(helm.home);
    const base = ['upgrade', '--install', '--create-namespace', '-n', 'h4', 'rel', chart];
    assert.equal((await helm(base)).code, 0);
    let result = await helm([...base, '--set', 'tag=2']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(images('h4'), ['app:2', 'proxy:1']);

    // Someone scales the Deployment by hand: they now own spec.replicas.
    const edit = await fetch(`${cluster.url}/apis/apps/v1/namespaces/h4/deployments/web?fieldManager=kubectl-edit`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ spec: { replicas: 5 } }),
    });
    assert.equal(edit.status, 200);
    result = await helm([...base, '--set', 'tag=3', '--set', 'replicas=3']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /conflict with "kubectl-edit"/);
    assert.equal((deployment('h4').spec as JsonMap).replicas, 5);

    result = await helm([...base, '--set', 'tag=3', '--set', 'replicas=3', '--force-conflicts']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((deployment('h4').spec as JsonMap).replicas, 3);
    assert.deepEqual(deployment('h4').metadata.managedFields?.map((m) => (m as JsonMap).manager), ['helm']);
  });
});
