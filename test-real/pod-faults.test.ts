// Pod faults on the real control plane (test/control-plane/pod-faults.ts): kwok plays the
// kubelets from Stage objects, and a test makes the pods of one image never Ready, crash-loop,
// start slowly or terminate slowly, as the simulator's Faults do. One cluster for every case;
// each case uses its own images, so the faults of one cannot reach another's pods.
// Needs `npm run control-plane:build`; run with `npm run test:real`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRealCluster, missingBinaries, type RealCluster } from '../test/control-plane/launch.js';
import { waitFor } from '../test/control-plane/launch-api.js';
import { clearImageFaults, podFaultsAvailable, setImageBehaviour, setImageReadyDelay, setImageTerminationDelay } from '../test/control-plane/pod-faults.js';

const NAMESPACE = 'faults';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const isReady = (pod: any) => (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
const isRunning = (pod: any) => pod.status?.phase === 'Running';
const waitingReason = (pod: any) => pod.status?.containerStatuses?.[0]?.state?.waiting?.reason;
const restarts = (pod: any): number => pod.status?.containerStatuses?.[0]?.restartCount ?? 0;

const missing = missingBinaries();
describe('pod faults on the real control plane', { skip: missing.length ? `missing ${missing.join(', ')}: run npm run control-plane:build` : false }, () => {
  let cluster: RealCluster;
  before(async () => {
    cluster = await startRealCluster({ namespaces: [NAMESPACE], podReadyDelayMs: 300, podTerminationDelayMs: 300 });
    process.stderr.write(`control plane started in ${cluster.startupMs} ms\n`);
  });
  after(async () => {
    await cluster?.stop();
  });

  /** deploy writes a Deployment of `replicas` pods running `image`, labelled app=`name`. */
  async function deploy(name: string, image: string, replicas: number): Promise<void> {
    const res = await cluster.api.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: NAMESPACE },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } },
      },
    });
    assert.ok(res.status < 300, res.text);
  }

  /** pods are the pods of Deployment `name` that are not being deleted. */
  async function pods(name: string): Promise<any[]> {
    const res = await cluster.api.call('GET', `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=${encodeURIComponent(`app=${name}`)}`);
    assert.equal(res.status, 200, res.text);
    return res.body.items.filter((p: any) => !p.metadata.deletionTimestamp);
  }

  /** podsUntil waits until Deployment `name` has `count` pods all passing `check`, and returns them. */
  async function podsUntil(name: string, count: number, check: (pod: any) => boolean, what: string, timeoutMs = 30_000): Promise<any[]> {
    let last: any[] = [];
    await waitFor(async () => {
      last = await pods(name);
      return last.length === count && last.every(check);
    }, timeoutMs, () => `${name}: expected ${count} pods ${what}; have ${JSON.stringify(last.map((p) => ({ name: p.metadata.name, phase: p.status?.phase, ready: isReady(p), waiting: waitingReason(p) })))}`, 100);
    return last;
  }

  it('finds the fault API: kwok plays pods from Stage objects', async () => {
    assert.equal(await podFaultsAvailable(cluster.api), true);
  });

  it('never-ready: pods of the image run but stay unready while another image gets Ready', async () => {
    await setImageBehaviour(cluster.api, 'example/app:never-ready', 'never-ready');
    await deploy('never-ready', 'example/app:never-ready', 2);
    await deploy('good', 'example/app:good', 2);
    await podsUntil('good', 2, isReady, 'Ready');
    await podsUntil('never-ready', 2, (p) => isRunning(p) && p.status.containerStatuses?.[0]?.state?.running, 'Running with a running container');
    // Watch them for a few seconds: never Ready, the container running but not ready.
    const until = Date.now() + 3000;
    while (Date.now() < until) {
      for (const pod of await pods('never-ready')) {
        assert.equal(isReady(pod), false, `${pod.metadata.name} got Ready`);
        assert.equal(pod.status.containerStatuses[0].ready, false);
        assert.ok(pod.status.podIP, 'a started pod has an IP');
      }
      await sleep(250);
    }
    const dep = (await cluster.api.call('GET', `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/never-ready`)).body;
    assert.equal(dep.status.readyReplicas ?? 0, 0);
  });

  it('crash-loop: the container waits in CrashLoopBackOff and its restartCount grows', async () => {
    await setImageBehaviour(cluster.api, 'example/app:crash', 'crash-loop');
    await deploy('crash', 'example/app:crash', 1);
    const [first] = await podsUntil('crash', 1, (p) => waitingReason(p) === 'CrashLoopBackOff', 'in CrashLoopBackOff');
    assert.equal(isReady(first), false);
    assert.ok(restarts(first) > 0, `restartCount ${restarts(first)}`);
    const [later] = await podsUntil('crash', 1, (p) => restarts(p) > restarts(first), `restarted again after ${restarts(first)} restarts`);
    assert.equal(waitingReason(later), 'CrashLoopBackOff');
    assert.equal(later.status.containerStatuses[0].lastState.terminated.exitCode, 1);
    assert.equal(isReady(later), false);
  });

  it('existingPods: Ready pods of the image turn unready, then crash-loop, and ready again', async () => {
    const image = 'example/app:turns';
    await deploy('turns', image, 2);
    await podsUntil('turns', 2, isReady, 'Ready');
    await setImageBehaviour(cluster.api, image, 'never-ready', { existingPods: true });
    // The call resolves once kwok has changed them; no wait needed.
    for (const pod of await pods('turns')) {
      assert.equal(isReady(pod), false, `${pod.metadata.name} still Ready`);
      assert.equal(isRunning(pod), true);
    }
    await setImageBehaviour(cluster.api, image, 'crash-loop', { existingPods: true });
    for (const pod of await pods('turns')) assert.equal(waitingReason(pod), 'CrashLoopBackOff');
    await setImageBehaviour(cluster.api, image, 'ready', { existingPods: true });
    const recovered = await pods('turns');
    assert.equal(recovered.length, 2, 'the same pods, none replaced');
    for (const pod of recovered) {
      assert.equal(isReady(pod), true, `${pod.metadata.name} not Ready again`);
      assert.ok(pod.status.containerStatuses[0].state.running);
    }
    await waitFor(async () => (await cluster.api.call('GET', `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/turns`)).body.status?.readyReplicas === 2, 30_000, () => 'the Deployment did not count 2 ready replicas again');
  });

  it('without existingPods a new behaviour leaves running pods alone and reaches new ones', async () => {
    const image = 'example/app:later';
    await deploy('later', image, 1);
    const [running] = await podsUntil('later', 1, isReady, 'Ready');
    await setImageBehaviour(cluster.api, image, 'never-ready');
    await deploy('later', image, 2);
    const both = await podsUntil('later', 2, (p) => isRunning(p) && p.status.containerStatuses?.[0]?.state?.running, 'Running');
    await sleep(1000);
    for (const pod of await pods('later')) assert.equal(isReady(pod), pod.metadata.name === running.metadata.name, pod.metadata.name);
    assert.equal(both.length, 2);
  });

  it('ready delay: pods of a slow image get Ready only after its own delay', async () => {
    await setImageReadyDelay(cluster.api, 'example/app:slow', 4000);
    const applied = Date.now();
    await deploy('slow', 'example/app:slow', 1);
    await deploy('quick', 'example/app:quick', 1);
    await podsUntil('quick', 1, isReady, 'Ready');
    const [pending] = await pods('slow');
    assert.equal(isReady(pending), false, 'the slow pod was Ready as soon as the quick one');
    await podsUntil('slow', 1, isReady, 'Ready');
    const readyAfter = Date.now() - applied;
    assert.ok(readyAfter >= 3500, `Ready after ${readyAfter} ms`);
  });

  it('slow termination: a deleted pod stays terminating for the image delay, capped by its grace period', async () => {
    const image = 'example/app:slow-stop';
    await setImageTerminationDelay(cluster.api, image, 4000);
    const path = (name: string) => `/api/v1/namespaces/${NAMESPACE}/pods/${name}`;
    const startPod = async (name: string) => {
      const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NAMESPACE }, spec: { containers: [{ name: 'app', image }] } };
      assert.equal((await cluster.api.apply(pod)).status, 201);
      await waitFor(async () => isRunning((await cluster.api.call('GET', path(name))).body), 30_000, () => `${name} did not run`);
    };
    const removedAfter = async (name: string, deleteQuery = '') => {
      const deletedAt = Date.now();
      assert.equal((await cluster.api.call('DELETE', `${path(name)}${deleteQuery}`)).status, 200);
      await waitFor(async () => (await cluster.api.call('GET', path(name))).status === 404, 30_000, () => `${name} was not removed`, 50);
      return Date.now() - deletedAt;
    };

    await startPod('slow-stop');
    const deletedAt = Date.now();
    const removed = removedAfter('slow-stop');
    await sleep(2000);
    const live = await cluster.api.call('GET', path('slow-stop'));
    assert.equal(live.status, 200, `removed ${Date.now() - deletedAt} ms after its deletion`);
    assert.ok(live.body.metadata.deletionTimestamp);
    const slow = await removed;
    assert.ok(slow >= 3500, `removed after ${slow} ms`);

    // A grace period of 1 s ends the 4 s early, as a kubelet kills the containers then.
    await startPod('short-grace');
    const capped = await removedAfter('short-grace', '?gracePeriodSeconds=1');
    assert.ok(capped < 3500, `removed after ${capped} ms`);
  });

  it('clearImageFaults removes every fault Stage: new pods of a never-ready image get Ready', async () => {
    const image = 'example/app:cleared';
    await setImageBehaviour(cluster.api, image, 'never-ready');
    await clearImageFaults(cluster.api);
    const left = await cluster.api.call('GET', `/apis/kwok.x-k8s.io/v1alpha1/stages?labelSelector=${encodeURIComponent('pod-faults.helm-canary.dev/image-key')}`);
    assert.deepEqual(left.body.items, []);
    await deploy('cleared', image, 1);
    await podsUntil('cleared', 1, isReady, 'Ready');
  });
});
