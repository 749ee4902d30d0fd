// Overlay mode end to end: a chart made by `helm create` (nobody here wrote it), used as it is,
// deployed, rolled out through every stage and rolled back, by the built CLI with real helm.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createAnyChart, type AnyChart } from '../helpers/any-charts.js';
import { givenCluster, stageShape, type Env, type HelmMajor } from '../helpers/e2e.js';

const RELEASE = 'web';

async function ok(env: Env, args: string[]): Promise<string> {
  const r = await env.cli(args);
  assert.equal(r.exitCode, 0, `helm-canary ${args.join(' ')}: ${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

function overlayRollout(helm: HelmMajor): void {
  describe(`overlay mode with helm ${helm}: helm create's chart as it is`, { concurrency: false }, () => {
    let env: Env;
    let chart: AnyChart;
    before(async () => {
      chart = await createAnyChart('scaffold', helm, { name: RELEASE });
      const objects = chart.objects(RELEASE);
      env = await givenCluster(helm, {
        release: RELEASE,
        objects: { production: objects.deployment, canary: `${objects.deployment}-canary`, virtualService: objects.service },
        config: { chart: chart.dir, valuesFiles: [await chart.writeValues(RELEASE)], mode: 'overlay' },
      });
      // On a real API server the tool runs with `helm-canary rbac`'s Role: -f adds the chart's kinds.
      await env.grantChartRbac();
    });
    after(async () => {
      await env?.stop();
      await chart?.remove();
    });

    it('deploys, rolls out through every stage and back, then rolls back a second rollout', async () => {
      await ok(env, ['deploy', '--tag', '1.0']);
      assert.equal(stageShape(await env.observe()), 'P 1.0/2/100 C 1.0/0/0');
      await ok(env, ['start', '--new-tag', '2.0']);
      assert.equal(stageShape(await env.observe()), 'P 1.0/2/90 C 2.0/2/10');
      // A dry run shows helm's argv, and that helm-canary runs it with the overlay post-renderer.
      const dry = await ok(env, ['promote', '--dry-run']);
      assert.match(dry, /helm-canary runs it with its overlay post-renderer/);
      assert.equal(stageShape(await env.observe()), 'P 1.0/2/90 C 2.0/2/10', 'a dry run changes nothing');
      await ok(env, ['promote', '--to', '7']);
      assert.equal(stageShape(await env.observe()), 'P 2.0/2/100 C 2.0/0/0');
      await ok(env, ['start', '--new-tag', '3.0']);
      await ok(env, ['promote', '--to', '4']);
      assert.equal(stageShape(await env.observe()), 'P 2.0/2/0 C 3.0/2/100');
      // The record lost: the stage is in helm's values (helmCanary), so status still shows the
      // rollout, deploy is refused, and rollback rebuilds the record from helm history.
      const deleted = await env.api.call('DELETE', `/api/v1/namespaces/${env.namespace}/configmaps/helm-canary-${RELEASE}`);
      assert.equal(deleted.status, 200, deleted.text);
      const lost = JSON.parse(await ok(env, ['status', '-o', 'json']));
      assert.ok(lost.nextMoves.some((m: string) => /rollback/.test(m)), JSON.stringify(lost));
      const refused = await env.cli(['deploy', '--tag', '2.0']);
      assert.equal(refused.exitCode, 4, refused.stderr);
      await ok(env, ['rollback']);
      assert.equal(stageShape(await env.observe()), 'P 2.0/2/100 C 2.0/0/0');
      const status = JSON.parse(await ok(env, ['status', '-o', 'json']));
      assert.equal(status.stage?.number ?? status.stage, 1, JSON.stringify(status));
    });

    it('a hand edit of the generated VirtualService is seen: start is refused (exit 4) naming it, and rollback undoes it', async () => {
      const objects = chart.objects(RELEASE);
      const vs = await env.get('virtualService', objects.service);
      const original = structuredClone(vs.spec.http);
      vs.spec.http[0].route[0].weight = 50;
      vs.spec.http[0].route[1].weight = 50;
      await env.put('virtualService', vs);
      const refused = await env.cli(['start', '--new-tag', '9.0']);
      assert.equal(refused.exitCode, 4, refused.stderr);
      // The cluster is the truth: weight on the canary is a rollout in progress, record or not.
      assert.match(refused.stderr, /the canary receives 50 % of traffic/);
      assert.equal(stageShape(await env.observe()), 'P 2.0/2/50 C 2.0/0/50', 'nothing applied over the hand edit');
      if (helm === 4) {
        // What the refusal says to do: rollback restores stable and takes the fields back from the
        // hand edit (helm 4 would otherwise stop at the conflict with kubectl-edit).
        await ok(env, ['rollback']);
      } else {
        // helm 3 patches a custom resource with the difference between its two revisions' manifests
        // (a JSON merge patch, no three-way merge): a hand edit of the VirtualService outlives any
        // upgrade that renders the same weights. The rollback says so instead of claiming stable.
        const rollback = await env.cli(['rollback']);
        assert.equal(rollback.exitCode, 1, rollback.stderr);
        assert.match(rollback.stderr, /VirtualService web routes 50 % to canary, expected 0 %/);
        const back = await env.get('virtualService', objects.service);
        back.spec.http = original;
        await env.put('virtualService', back);
        // The hand edit undone by hand, the rollback it left open finishes.
        await ok(env, ['rollback']);
      }
      assert.equal(stageShape(await env.observe()), 'P 2.0/2/100 C 2.0/0/0');
      assert.deepEqual((await env.get('virtualService', objects.service)).spec.http, original);
    });

    it('detaches: refused while the chart alone would remove serving pods, then back to the chart as it renders', async () => {
      const objects = chart.objects(RELEASE);
      // helm create's replicaCount is 1 and production runs 2 (canary.yaml's replicas).
      const refused = await env.cli(['detach']);
      assert.equal(refused.exitCode, 4, refused.stderr);
      assert.match(refused.stderr, /would run 1 production pods of web, and 2 serve now/);
      assert.match(refused.stderr, /replicaCount: 2/);
      assert.equal(stageShape(await env.observe()), 'P 2.0/2/100 C 2.0/0/0', 'a refused detach changes nothing');

      env.writeConfig({ chart: chart.dir, valuesFiles: [await chart.writeValues(RELEASE, { replicaCount: 2 })], mode: 'overlay' });
      const service = await env.api.call('GET', `/api/v1/namespaces/${env.namespace}/services/${objects.service}`);
      assert.deepEqual(service.body.spec.selector, { 'app.kubernetes.io/instance': RELEASE }, 'the overlay took the split label out of the Service selector');
      await ok(env, ['detach']);
      const after = await env.observe();
      assert.equal(after.production.image, 'acr.io/bookinfo/productpage:2.0');
      assert.equal(after.production.replicas, 2);
      assert.equal(await env.get('deployment', `${objects.deployment}-canary`), undefined, 'the canary Deployment is gone');
      assert.equal(await env.get('virtualService', objects.service), undefined, 'the VirtualService is gone');
      const restored = await env.api.call('GET', `/api/v1/namespaces/${env.namespace}/services/${objects.service}`);
      assert.deepEqual(restored.body.spec.selector, chart.selectorLabels(RELEASE), "the Service has the chart's own selector back");
      const again = await env.cli(['detach', '-o', 'json']);
      assert.equal(again.exitCode, 0, again.stderr);
      assert.match(again.stderr, /already runs its chart alone/);
      assert.deepEqual(JSON.parse(again.stdout), { release: RELEASE, namespace: env.namespace, detached: true, changed: false, image: null });
    });
  });
}

describe('overlay mode end to end', { concurrency: true }, () => {
  overlayRollout(4);
  overlayRollout(3);
});
