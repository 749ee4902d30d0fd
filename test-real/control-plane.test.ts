// The real control plane (test/control-plane/launch.ts) does what the e2e tier will need from it:
// helm installs the reference chart, the controller-manager and the scheduler turn its
// Deployments into pods on kwok's Nodes, kwok makes them Ready, and the API server validates
// Istio objects against Istio's own CRD schemas. Then the tool itself runs a rollout on it.
// Needs `npm run control-plane:build` and `npm run helm:setup`; run with `npm run test:real`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import YAML, { stringify } from 'yaml';
import { startRealCluster, missingBinaries, type RealCluster } from '../test/control-plane/launch.js';
import { serviceAccountAccess, type ServiceAccountAccess } from '../test/control-plane/launch-service-account.js';
import { helmBinaries, repoRoot } from '../test/helm/helm-env.js';
import { runCli } from '../test/helpers/run-cli.js';

const NAMESPACE = 'shop';
const CHART = join(repoRoot, 'charts', 'canary-app');

/** helmEnv keeps helm away from the developer's own config and clusters. */
function helmEnv(kubeconfig: string, dir: string): Record<string, string> {
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  return { KUBECONFIG: kubeconfig, HOME: home, HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data') };
}

async function deployment(cluster: RealCluster, name: string): Promise<{ replicas: number; ready: number; image: string }> {
  const res = await cluster.api.call('GET', `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${name}`);
  assert.equal(res.status, 200, `GET deployment ${name}: ${res.text}`);
  return { replicas: res.body.spec.replicas, ready: res.body.status?.readyReplicas ?? 0, image: res.body.spec.template.spec.containers[0].image };
}

async function readyPods(cluster: RealCluster, selector: string): Promise<{ name: string; node: string; podIP: string }[]> {
  const res = await cluster.api.call('GET', `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=${encodeURIComponent(selector)}`);
  return (res.body.items as any[])
    .filter((p) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'))
    .map((p) => ({ name: p.metadata.name, node: p.spec.nodeName, podIP: p.status.podIP }));
}

/** shape is what a person checks after each step: tags, replicas and ready pods, weights, the record's phase. */
async function shape(cluster: RealCluster, release: string) {
  const get = async (path: string) => (await cluster.api.call('GET', `/apis/${path}`)).body;
  const api = async (path: string) => (await cluster.api.call('GET', `/api/v1/namespaces/${NAMESPACE}/${path}`)).body;
  const dep = async (role: string) => {
    const d = await get(`apps/v1/namespaces/${NAMESPACE}/deployments/${release}-${role}`);
    return [d.spec.template.spec.containers[0].image.split(':').pop(), d.spec.replicas, d.status?.readyReplicas ?? 0];
  };
  const vs = await get(`networking.istio.io/v1/namespaces/${NAMESPACE}/virtualservices/${release}`);
  const weight = (subset: string) => vs.spec.http[0].route.find((r: any) => r.destination.subset === subset)?.weight ?? 0;
  const record = JSON.parse((await api(`configmaps/helm-canary-${release}`)).data['record.json']);
  return { production: await dep('production'), canary: await dep('canary'), weights: [weight('production'), weight('canary')], phase: record.phase };
}

const virtualService = (name: string, weight: unknown) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace: NAMESPACE },
  spec: { hosts: ['checks'], http: [{ route: [{ destination: { host: 'checks', subset: 'production' }, weight }] }] },
});

const missing = missingBinaries();
describe('the real control plane', { skip: missing.length ? `missing ${missing.join(', ')}: run npm run control-plane:build` : false }, () => {
  let cluster: RealCluster;
  let dir: string;
  let helm: Record<3 | 4, string>;
  let tool: ServiceAccountAccess;
  before(async () => {
    helm = await helmBinaries();
    cluster = await startRealCluster({ namespaces: [NAMESPACE], podReadyDelayMs: 300, podTerminationDelayMs: 300 });
    process.stderr.write(`control plane started in ${cluster.startupMs} ms\n`);
    dir = mkdtempSync(join(tmpdir(), 'hc-real-'));
    // The tool runs as the ServiceAccount, Role and RoleBinding that `helm-canary rbac` prints.
    const rbac = await runCli(['rbac', '--namespace', NAMESPACE]);
    assert.equal(rbac.exitCode, 0, rbac.stderr);
    for (const doc of YAML.parseAllDocuments(rbac.stdout)) {
      const applied = await cluster.api.apply(doc.toJS());
      assert.ok(applied.status < 300, applied.text);
    }
    tool = await serviceAccountAccess(cluster, NAMESPACE, 'helm-canary');
  });
  after(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the reference chart: helm --wait returns once both Deployments have Ready pods on kwok Nodes', async () => {
    const result = await execa(helm[3], [
      'upgrade', '--install', 'chart-check', CHART, '--namespace', NAMESPACE, '--wait', '--timeout', '90s',
      '--set', 'productionDeployment.replicaCount=2', '--set', 'canaryDeployment.replicaCount=1',
    ], { env: helmEnv(cluster.kubeconfigPath, dir), reject: false });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(await deployment(cluster, 'chart-check-production').then((d) => [d.replicas, d.ready]), [2, 2]);
    assert.deepEqual(await deployment(cluster, 'chart-check-canary').then((d) => [d.replicas, d.ready]), [1, 1]);
    const pods = await readyPods(cluster, 'app=chart-check');
    assert.equal(pods.length, 3);
    for (const pod of pods) {
      assert.match(pod.node, /^kwok-node-/);
      assert.match(pod.podIP, /^10\.244\./);
    }
  });

  it('validates Istio objects with the CRDs: a VirtualService with a text weight or a route without destination is refused', async () => {
    const accepted = await cluster.api.apply(virtualService('valid-weights', 100));
    assert.equal(accepted.status, 201, accepted.text);

    // As helm 3 writes (create, then patches): the CRD's schema says weight is an int32.
    const created = await cluster.api.call('POST', `/apis/networking.istio.io/v1/namespaces/${NAMESPACE}/virtualservices`, JSON.stringify(virtualService('text-weight', 'a lot')));
    assert.equal(created.status, 422, created.text);
    assert.match(created.body.message, /spec\.http\[0\]\.route\[0\]\.weight: Invalid value: "string": spec\.http\[0\]\.route\[0\]\.weight in body must be of type integer/);

    // As helm 4 writes (server-side apply): a wrong type fails before validation, as a 500
    // naming the field; a missing required field is a 422 from the schema.
    const appliedText = await cluster.api.apply(virtualService('text-weight', 'a lot'));
    assert.equal(appliedText.status, 500, appliedText.text);
    assert.match(appliedText.body.message, /\.spec\.http\[0\]\.route\[0\]\.weight: expected numeric/);
    const noDestination = virtualService('no-destination', 100);
    delete (noDestination.spec.http[0]!.route[0] as { destination?: unknown }).destination;
    const appliedMissing = await cluster.api.apply(noDestination);
    assert.equal(appliedMissing.status, 422, appliedMissing.text);
    assert.match(appliedMissing.body.message, /spec\.http\[0\]\.route\[0\]\.destination: Required value/);
  });

  it('terminates like a kubelet: a deleted pod stays, terminating, for the termination delay, then is removed', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'terminating', namespace: NAMESPACE }, spec: { containers: [{ name: 'app', image: 'acr.io/checks/app:1' }] } };
    assert.equal((await cluster.api.apply(pod)).status, 201);
    const path = `/api/v1/namespaces/${NAMESPACE}/pods/terminating`;
    let node = '';
    for (let i = 0; i < 100 && !node; i++) {
      const live = (await cluster.api.call('GET', path)).body;
      if (live.status?.phase === 'Running') node = live.spec.nodeName;
      else await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(node, /^kwok-node-/);
    const deletedAt = Date.now();
    assert.equal((await cluster.api.call('DELETE', path)).status, 200);
    const right = (await cluster.api.call('GET', path)).body;
    assert.ok(right.metadata.deletionTimestamp, 'the pod is terminating, not gone');
    let status = 200;
    while (status === 200 && Date.now() - deletedAt < 10_000) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await cluster.api.call('GET', path)).status;
    }
    assert.equal(status, 404);
    // 300 ms of termination delay (the grace period is the default 30 s); generous upper bound for a loaded machine.
    const removedAfter = Date.now() - deletedAt;
    assert.ok(removedAfter >= 250 && removedAfter < 5000, `removed after ${removedAfter} ms`);
  });

  it('enforces RBAC: the ServiceAccount of `helm-canary rbac` reads Secrets in its namespace only, and no Pods', async () => {
    assert.equal((await tool.api.call('GET', `/api/v1/namespaces/${NAMESPACE}/secrets`)).status, 200);
    assert.equal((await tool.api.call('GET', '/api/v1/namespaces/default/secrets')).status, 403);
    const pods = await tool.api.call('GET', `/api/v1/namespaces/${NAMESPACE}/pods`);
    assert.equal(pods.status, 403);
    assert.match(pods.body.message, /system:serviceaccount:shop:helm-canary.*cannot list resource "pods"/);
  });

  for (const major of [3, 4] as const) {
    it(`runs a rollout with the tool and helm ${major} as the least-privilege ServiceAccount: deploy, start, promote to the end, then a rollback`, async () => {
      const release = `productpage-h${major}`;
      const work = join(dir, release);
      mkdirSync(work);
      writeFileSync(join(work, 'canary.yaml'), stringify({
        release, namespace: NAMESPACE, chart: CHART,
        image: { repository: 'acr.io/bookinfo/productpage' }, replicas: 2, drainSeconds: 0, helm: { timeout: '60s' },
      }));
      const env = { ...helmEnv(tool.kubeconfigPath, work), HELM_BIN: helm[major], CI: 'true' };
      const cli = async (args: string) => {
        const result = await runCli(args.split(' '), { cwd: work, env, extendEnv: true });
        assert.equal(result.exitCode, 0, `${args}:\n${result.stdout}\n${result.stderr}`);
      };
      for (const step of ['deploy --tag 1.0', 'start --new-tag 2.0', 'promote', 'promote', 'promote', 'promote', 'promote']) await cli(step);
      assert.deepEqual(await shape(cluster, release), { production: ['2.0', 2, 2], canary: ['2.0', 0, 0], weights: [100, 0], phase: 'completed' });

      await cli('start --new-tag 3.0');
      assert.deepEqual(await shape(cluster, release), { production: ['2.0', 2, 2], canary: ['3.0', 2, 2], weights: [90, 10], phase: 'in-progress' });
      await cli('rollback');
      assert.deepEqual(await shape(cluster, release), { production: ['2.0', 2, 2], canary: ['2.0', 0, 0], weights: [100, 0], phase: 'rolled-back' });
    });
  }
});
