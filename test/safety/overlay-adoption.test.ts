// Adopting a release in overlay mode (issue 13): a team's release, installed by plain
// `helm upgrade --install` with the chart alone (helm create's, as it is), serves under load
// through the simulated mesh, which routes to the Service as a whole since there is no
// VirtualService yet. Then `helm-canary deploy` with `mode: overlay` takes it over: no request
// fails and production's pods are not restarted (the overlay leaves the pod template alone, so
// the same ReplicaSet keeps the same pods); a rollout to stage 3 and a rollback then lose none
// either, and `detach` back to the chart alone loses none and restarts nothing. The scenario's
// delays are traffic.test.ts's.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { NO_SUBSET } from '../../sim/mesh/index.js';
import type { AnyChartKind } from '../helpers/any-charts.js';
import { stageShape, type HelmMajor } from '../helpers/e2e.js';
import { runHelm } from './seed-helm.js';
import { describeCounts, givenOverlayScenario, livePods, ok, PROPAGATION_MS, RELEASE, startLoadAfterReach, strangers, type Load, type OverlayScenario } from './overlay-scenario.js';

type JsonMap = Record<string, any>;

/** productionPods names the live pods of the production Deployment and the ReplicaSets they run in. */
async function productionPods(scenario: OverlayScenario): Promise<{ pods: string[]; replicaSets: string[] }> {
  const { env, names } = scenario;
  const res = await env.api.call('GET', `/apis/apps/v1/namespaces/${env.namespace}/replicasets`);
  assert.equal(res.status, 200, res.text);
  const ours = new Set((res.body.items as JsonMap[]).filter((rs) => rs.metadata.ownerReferences?.some((o: JsonMap) => o.kind === 'Deployment' && o.name === names.deployment)).map((rs) => rs.metadata.name as string));
  const pods = (await livePods(env)).filter((p) => p.metadata.ownerReferences?.some((o: JsonMap) => o.kind === 'ReplicaSet' && ours.has(o.name)));
  return {
    pods: pods.map((p) => `${p.metadata.name} ${p.metadata.uid}`).sort(),
    replicaSets: [...new Set(pods.map((p) => p.metadata.ownerReferences.find((o: JsonMap) => o.kind === 'ReplicaSet').name as string))].sort(),
  };
}

function adoption(kind: AnyChartKind, helm: HelmMajor): void {
  describe(`${kind} chart, helm ${helm}: a release installed by plain helm, adopted under load`, () => {
    let scenario: OverlayScenario;
    before(async () => {
      scenario = await givenOverlayScenario(kind, helm);
    });
    after(() => scenario?.stop());

    it('loses no request and restarts no production pod; a rollout to stage 3, a rollback and a detach then lose none either', async (t) => {
      const { env, chart, names, canary } = scenario;
      // What the team ran before helm-canary: the chart alone, their values, two replicas (the
      // autoscaled chart ignores replicaCount: its HPA's minimum is 2).
      await runHelm(env.env, [
        'upgrade', '--install', RELEASE, chart.dir, '-n', env.namespace, '-f', await chart.writeValues(RELEASE),
        '--set', 'image.tag=1.0', '--set', 'replicaCount=2', '--wait', '--timeout', '60s',
      ]);
      let load: Load | undefined;
      try {
        load = await startLoadAfterReach(scenario);
        // Without a VirtualService the mesh sends every request to the Service's ready pods.
        const view = load.traffic.inspect(names.service);
        assert.deepEqual(view.routes.map((r) => ({ subset: r.subset, weight: r.weight, endpoints: r.endpoints.length })), [{ subset: undefined, weight: 100, endpoints: 2 }]);
        await sleep(1000);
        const plain = load.load.since(0);
        assert.ok(plain.total > 0 && plain.bySubset[NO_SUBSET] === plain.total, `before helm-canary every request goes to the Service as a whole: ${JSON.stringify(plain.bySubset)}`);
        const before = await productionPods(scenario);
        assert.equal(before.pods.length, 2);

        const t0 = Date.now();
        const out = await ok(env, ['deploy', '--tag', '1.0']);
        await sleep(PROPAGATION_MS + 200);
        const t1 = Date.now();
        assert.equal(stageShape(await env.observe()), 'P 1.0/2/100 C 1.0/0/0');
        const adopted = load.load.between(t0, t1);
        t.diagnostic(`overlay ${kind}, helm ${helm}, adoption by deploy (${((t1 - t0) / 1000).toFixed(1)} s): ${describeCounts(adopted)}, by subset ${JSON.stringify(adopted.bySubset)}`);
        t.diagnostic(`deploy said: ${out.trim().split('\n').join(' | ')}`);
        assert.equal(adopted.failed, 0, `adoption: ${describeCounts(adopted)}`);
        assert.deepEqual(await productionPods(scenario), before, "adoption kept production's pods (same names, uids and ReplicaSet)");
        assert.ok((load.load.between(t1 - 500, t1).bySubset.production ?? 0) > 0, 'after adoption the VirtualService routes to the production subset');

        await ok(env, ['start', '--new-tag', '2.0']);
        await ok(env, ['promote', '--to', '3']);
        assert.equal(stageShape(await env.observe()), 'P 1.0/2/10 C 2.0/2/90');
        const t2 = Date.now();
        await ok(env, ['rollback']);
        await sleep(PROPAGATION_MS + 200);
        assert.equal(stageShape(await env.observe()), 'P 1.0/2/100 C 1.0/0/0');
        const reaching = load.load.between(t1, t2);
        const rollingBack = load.load.between(t2);
        t.diagnostic(`overlay ${kind}, helm ${helm}, after adoption: stages 2..3 ${describeCounts(reaching)}; rollback from 3 ${describeCounts(rollingBack)}`);
        assert.equal(reaching.failed, 0, `stages 2..3: ${describeCounts(reaching)}`);
        assert.equal(rollingBack.failed, 0, `rollback: ${describeCounts(rollingBack)}`);
        // Production ran 1.0 throughout: still the pods the team's own install started.
        assert.deepEqual(await productionPods(scenario), before, "production's pods survived the rollout and the rollback");

        // Leaving overlay mode under the same load: the chart alone again, with the replica count
        // the team ran it with (detach refuses a chart that would remove serving pods).
        env.writeConfig({ valuesFiles: [await chart.writeValues(RELEASE, { replicaCount: 2 })] });
        const t3 = Date.now();
        await ok(env, ['detach']);
        await sleep(PROPAGATION_MS + 200);
        const t4 = Date.now();
        const detaching = load.load.between(t3, t4);
        t.diagnostic(`overlay ${kind}, helm ${helm}, detach (${((t4 - t3) / 1000).toFixed(1)} s): ${describeCounts(detaching)}, by subset ${JSON.stringify(detaching.bySubset)}`);
        assert.equal(detaching.failed, 0, `detach: ${describeCounts(detaching)}`);
        await sleep(1000);
        const alone = load.load.since(t4);
        assert.ok(alone.total > 0 && alone.bySubset[NO_SUBSET] === alone.total, `after detach every request goes to the Service as a whole: ${JSON.stringify(alone.bySubset)}`);
        assert.equal(await env.get('deployment', canary), undefined, 'the canary Deployment is gone');
        assert.equal(await env.get('virtualService', names.service), undefined, 'the VirtualService is gone');
        const service = await env.api.call('GET', `/api/v1/namespaces/${env.namespace}/services/${names.service}`);
        assert.deepEqual(service.body.spec.selector, chart.selectorLabels(RELEASE), "the Service has the chart's own selector back");
        assert.deepEqual(await productionPods(scenario), before, "detach kept production's pods");
        const step = (at: number) =>
          at < t0 ? 'before helm-canary' : at < t1 ? 'during the adopting deploy' : at < t2 ? 'during start/promote' : at < t3 ? 'during the rollback' : 'during or after detach';
        assert.deepEqual(strangers(scenario, load, step), [], 'requests answered by pods of neither track');
      } finally {
        load?.load.stop();
      }
    });
  });
}

// Each scenario on its own cluster, side by side.
describe('overlay mode: adopting a release first installed by plain helm', { concurrency: true }, () => {
  adoption('scaffold', 4);
  adoption('autoscaled', 4);
  adoption('hooked', 4);
  adoption('scaffold', 3);
  adoption('hooked', 3);
});
