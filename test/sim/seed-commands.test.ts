// The seed article's seven helm commands, then its rollback from stage 3, run literally with the
// real helm 3 and helm 4 against the simulated cluster; after each command the cluster is read with
// @kubernetes/client-node, as any client of a real cluster would.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppsV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { startCluster, type Cluster } from '../../sim/cluster.js';
import { makeHelm, type HelmRunner } from './helm-env.js';

const chart = fileURLToPath(new URL('../../charts/canary-app', import.meta.url));
const NS = 'bookinfo-k8s-helm-istio-canary';
const REPO = 'myacrepo.azurecr.io/bookinfo-canary/productpage';

// [production tag, production weight, canary tag, canary replicas, canary weight], as in the seed.
type SeedStage = [number, number, number, number, number];
const STAGES: SeedStage[] = [
  [83, 100, 83, 0, 0],
  [83, 90, 84, 2, 10],
  [83, 10, 84, 2, 90],
  [83, 0, 84, 2, 100],
  [84, 0, 84, 2, 100],
  [84, 100, 84, 2, 0],
  [84, 100, 84, 0, 0],
];
const ROLLBACK: SeedStage = [83, 100, 83, 0, 0];

// The seed's command line for one stage: --set of every value, --wait, release productpage.
function seedCommand(s: SeedStage): string[] {
  const set = [
    `productionDeployment.image.repository=${REPO}`, `productionDeployment.image.tag=${s[0]}`,
    `productionDeployment.weight=${s[1]}`, 'productionDeployment.replicaCount=2',
    `canaryDeployment.image.repository=${REPO}`, `canaryDeployment.image.tag=${s[2]}`,
    `canaryDeployment.replicaCount=${s[3]}`, `canaryDeployment.weight=${s[4]}`,
  ].join(',');
  return ['upgrade', '--install', '--namespace', NS, '--values', join(chart, 'values.yaml'), '--set', set, '--wait', '--timeout', '60s', 'productpage', chart];
}

for (const version of [3, 4] as const) {
  describe(`the seed's helm commands with helm ${version}`, () => {
    let cluster: Cluster;
    let helm: HelmRunner;
    let apps: AppsV1Api;
    let custom: CustomObjectsApi;
    before(async () => {
      cluster = await startCluster({ namespaces: [NS], podReadyDelayMs: 0, podTerminationDelayMs: 0 });
      helm = await makeHelm(version, cluster.kubeconfigPath);
      const kc = new KubeConfig();
      kc.loadFromFile(cluster.kubeconfigPath);
      apps = kc.makeApiClient(AppsV1Api);
      custom = kc.makeApiClient(CustomObjectsApi);
    });
    after(async () => {
      await cluster.stop();
      await rm(helm.home, { recursive: true, force: true });
    });

    async function expectCluster(s: SeedStage, label: string): Promise<void> {
      const prod = await apps.readNamespacedDeployment({ name: 'productpage-production', namespace: NS });
      const canary = await apps.readNamespacedDeployment({ name: 'productpage-canary', namespace: NS });
      const vs = (await custom.getNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1', namespace: NS, plural: 'virtualservices', name: 'productpage' })) as any;
      const weights = Object.fromEntries(vs.spec.http[0].route.map((r: any) => [r.destination.subset, r.weight]));
      assert.deepEqual(
        {
          prod: [prod.spec?.template.spec?.containers[0]?.image, prod.spec?.replicas, prod.status?.readyReplicas ?? 0],
          canary: [canary.spec?.template.spec?.containers[0]?.image, canary.spec?.replicas, canary.status?.readyReplicas ?? 0],
          weights,
        },
        {
          prod: [`${REPO}:${s[0]}`, 2, 2],
          canary: [`${REPO}:${s[2]}`, s[3], s[3]],
          weights: { production: s[1], canary: s[4] },
        },
        label,
      );
    }

    it('stages 1 to 7: every command exits 0 and the cluster holds the stage', async () => {
      for (const [i, stage] of STAGES.entries()) {
        const r = await helm(seedCommand(stage));
        assert.equal(r.code, 0, `stage ${i + 1}: ${r.stderr}`);
        await expectCluster(stage, `stage ${i + 1}`);
      }
    });

    it('rollback from stage 3 returns to the stable values', async () => {
      for (const stage of STAGES.slice(1, 3)) assert.equal((await helm(seedCommand(stage))).code, 0);
      await expectCluster(STAGES[2]!, 'stage 3');
      const r = await helm(seedCommand(ROLLBACK));
      assert.equal(r.code, 0, r.stderr);
      await expectCluster(ROLLBACK, 'after rollback');
    });
  });
}
