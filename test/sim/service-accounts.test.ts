// ServiceAccounts as a real cluster has them: every namespace gets `default`, and a pod whose
// ServiceAccount does not exist is refused, so its controller creates nothing until it does. The
// case that matters: a pre-install hook Job running as the ServiceAccount its own release creates
// never gets a pod (the hook runs first) and helm times out, as on the real control plane.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startCluster } from '../../sim/cluster.js';
import type { Cluster } from '../../sim/cluster.js';
import { KINDS } from '../../sim/store/resources.js';
import type { KubeObject } from '../../sim/store/types.js';
import { createAnyChart } from '../helpers/any-charts.js';
import type { AnyChart } from '../helpers/any-charts.js';
import { helmAvailable, makeHelm } from './helm-env.js';

type Json = Record<string, any>;

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('ServiceAccounts', { concurrency: true }, () => {
  let cluster: Cluster;
  const charts: AnyChart[] = [];
  const homes: string[] = [];
  before(async () => {
    cluster = await startCluster({ podReadyDelayMs: 1 });
  });
  after(async () => {
    await cluster.stop();
    for (const chart of charts) await chart.remove();
    for (const home of homes) await rm(home, { recursive: true, force: true });
  });

  it('every namespace has a `default` ServiceAccount, made again when deleted', async () => {
    const created = await fetch(`${cluster.url}/api/v1/namespaces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ metadata: { name: 'fresh' } }) });
    assert.equal(created.status, 201);
    await settle();
    assert.ok(cluster.store.get(KINDS.serviceAccount, 'fresh', 'default'));
    assert.ok(cluster.store.get(KINDS.serviceAccount, 'default', 'default'));
    cluster.store.delete(KINDS.serviceAccount, 'fresh', 'default');
    await settle();
    assert.ok(cluster.store.get(KINDS.serviceAccount, 'fresh', 'default'));
  });

  it("creates no pod for a ReplicaSet whose ServiceAccount is missing, says why, and catches up once it exists", async () => {
    cluster.createNamespace('sa-rs');
    const deployment: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'sa-rs' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { serviceAccountName: 'web', containers: [{ name: 'web', image: 'repo/web:1' }] } },
      },
    };
    cluster.store.create(KINDS.deployment, deployment);
    await settle();
    assert.equal(cluster.store.list(KINDS.pod, 'sa-rs').length, 0);
    const [rs] = cluster.store.list(KINDS.replicaSet, 'sa-rs');
    const failure = ((rs!.status as Json).conditions as Json[]).find((c) => c.type === 'ReplicaFailure');
    assert.equal(failure?.reason, 'FailedCreate');
    assert.match(failure?.message, /^pods "web-[a-z0-9]+-[a-z0-9]+" is forbidden: error looking up service account sa-rs\/web: serviceaccount "web" not found$/);

    cluster.store.create(KINDS.serviceAccount, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'sa-rs' } });
    await settle();
    assert.equal(cluster.store.list(KINDS.pod, 'sa-rs').length, 2);
    const after = cluster.store.list(KINDS.replicaSet, 'sa-rs')[0]!;
    assert.equal(((after.status as Json).conditions as Json[]).some((c) => c.type === 'ReplicaFailure'), false);
  });

  for (const helmMajor of [3, 4] as const) {
    it(`helm ${helmMajor}: a pre-install hook running as the release's own ServiceAccount never runs, and helm times out`, { skip: !helmAvailable() && 'run `npm run helm:setup` first' }, async () => {
      const chart = await createAnyChart('hooked', helmMajor);
      charts.push(chart);
      // What teams often write first: the hook as the chart's ServiceAccount.
      const jobFile = join(chart.dir, 'templates', 'migrate-job.yaml');
      const job = await readFile(jobFile, 'utf8');
      await writeFile(jobFile, job.replace('      restartPolicy: Never\n', `      restartPolicy: Never\n      serviceAccountName: {{ include "${chart.name}.serviceAccountName" . }}\n`));
      const helm = await makeHelm(helmMajor, cluster.kubeconfigPath);
      homes.push(helm.home);
      const ns = `sa-hook-${helmMajor}`;
      const result = await helm(['upgrade', '--install', '--create-namespace', '-n', ns, 'shop', chart.dir, '-f', await chart.writeValues('shop'), '--set', 'image.tag=1', '--wait', '--timeout', '3s']);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, helmMajor === 3 ? /failed pre-install: .*timed out waiting for the condition/s : /failed pre-install: resource Job\/sa-hook-4\/shop-web-migrate not ready\. status: InProgress, message: Job in progress/);
      assert.deepEqual(cluster.store.list(KINDS.pod, ns), []);
      assert.equal(cluster.store.get(KINDS.serviceAccount, ns, chart.objects('shop').serviceAccount), undefined, 'the release never got past its hook');
    });
  }
});
