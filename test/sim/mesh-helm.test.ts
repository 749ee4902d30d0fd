// End to end: the real helm binary installs charts/canary-app into the simulated cluster while
// the load generator sends requests through the mesh model. The seed's literal stage 2 (one
// upgrade that creates the canary pods and gives them 10 %) fails requests; pods-first (canary
// scaled up at weight 0, then the weight) loses none. Also: --wait fails on a never-ready image.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startCluster } from '../../sim/cluster.js';
import type { Cluster } from '../../sim/cluster.js';
import type { Traffic } from '../../sim/mesh/index.js';
import { helmAvailable, makeHelm } from './helm-env.js';

const chart = fileURLToPath(new URL('../../charts/canary-app', import.meta.url));
const NS = 'shop';

interface Stage {
  prodTag: string;
  prodReplicas: number;
  prodWeight: number;
  canaryTag: string;
  canaryReplicas: number;
}

const STAGE1: Stage = { prodTag: '83', prodReplicas: 2, prodWeight: 100, canaryTag: '83', canaryReplicas: 0 };

function stageArgs(s: Stage): string[] {
  return [
    '--set-string', `productionDeployment.image.tag=${s.prodTag},canaryDeployment.image.tag=${s.canaryTag}`,
    '--set', `productionDeployment.replicaCount=${s.prodReplicas},productionDeployment.weight=${s.prodWeight}`,
    '--set', `canaryDeployment.replicaCount=${s.canaryReplicas},canaryDeployment.weight=${100 - s.prodWeight}`,
  ];
}

describe('mesh under real helm 4', { skip: !helmAvailable() && 'run `npm run helm:setup` first' }, () => {
  let cluster: Cluster;
  let traffic: Traffic;
  let helm: Awaited<ReturnType<typeof makeHelm>>;

  before(async () => {
    cluster = await startCluster({ namespaces: [NS], podReadyDelayMs: 500, podTerminationDelayMs: 50, meshPropagationDelayMs: 100, trafficSeed: 3 });
    traffic = cluster.traffic as Traffic;
    helm = await makeHelm(4, cluster.kubeconfigPath);
  });
  after(async () => {
    await cluster?.stop();
  });

  const upgrade = async (release: string, stage: Stage, timeout = '30s') =>
    helm(['upgrade', '--install', '--wait', '--timeout', timeout, '-n', NS, release, chart, ...stageArgs(stage)]);

  const upgradeOk = async (release: string, stage: Stage) => {
    const r = await upgrade(release, stage);
    assert.equal(r.code, 0, r.stderr);
  };

  it("the seed's literal stage 2 fails requests while the canary pods start", async () => {
    await upgradeOk('literal', STAGE1);
    await sleep(200);
    const load = traffic.startLoad({ ratePerSecond: 200, host: 'literal', durationMs: 30_000 });
    await upgradeOk('literal', { ...STAGE1, canaryTag: '84', canaryReplicas: 2, prodWeight: 90 });
    await sleep(300);
    const report = load.stop();
    assert.ok(report.failed > 0, 'expected failed requests');
    assert.deepEqual(Object.keys(report.failures), ['no healthy upstream']);
    assert.deepEqual(report.failuresBySubset, { canary: report.failed });
  });

  it('the same stage applied pods-first loses no request', async () => {
    await upgradeOk('podsfirst', STAGE1);
    await sleep(200);
    const load = traffic.startLoad({ ratePerSecond: 200, host: 'podsfirst', durationMs: 30_000 });
    await upgradeOk('podsfirst', { ...STAGE1, canaryTag: '84', canaryReplicas: 2 });
    await upgradeOk('podsfirst', { ...STAGE1, canaryTag: '84', canaryReplicas: 2, prodWeight: 90 });
    await sleep(600);
    const report = load.stop();
    assert.equal(report.failed, 0, JSON.stringify(report.failures));
    assert.ok((report.byVersion['84'] ?? 0) > 0, 'the canary served nothing');
    assert.equal(traffic.inspect('podsfirst').routes[1]!.endpoints.length, 2);
  });

  it('--wait fails with a timeout when the canary image never becomes ready', async () => {
    cluster.faults.setImageBehaviour('docker.io/istio/examples-bookinfo-productpage-v1:bad', 'never-ready');
    await upgradeOk('broken', STAGE1);
    const r = await upgrade('broken', { ...STAGE1, canaryTag: 'bad', canaryReplicas: 1 }, '2s');
    assert.notEqual(r.code, 0);
    // helm 4 names the Deployment: "resource Deployment/shop/broken-canary not ready. status: InProgress".
    assert.match(r.stderr, /broken-canary not ready|context deadline exceeded/, r.stderr);
  });
});
