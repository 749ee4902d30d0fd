// What a team running one of the charts nobody here wrote would check while helm-canary canaries
// it in overlay mode, besides the traffic: the HPA and the PDB see production's pods only and the
// canary has the replicas the plan gives it (the autoscaled chart); the hook Job runs on every
// apply and the ConfigMap the pods mount never goes away (the hooked chart).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { TRACK_LABEL } from '../../src/overlay/overlay-input.js';
import { apiGet, eventually, isReady, livePods, matches, RELEASE, type OverlayScenario } from './overlay-scenario.js';

type JsonMap = Record<string, any>;

/** ownerDeployments maps each ReplicaSet of the namespace to the Deployment that owns it. */
async function ownerDeployments(scenario: OverlayScenario): Promise<Map<string, string>> {
  const res = await scenario.env.api.call('GET', `/apis/apps/v1/namespaces/${scenario.env.namespace}/replicasets`);
  assert.equal(res.status, 200, res.text);
  return new Map((res.body.items as JsonMap[]).map((rs) => [rs.metadata.name, rs.metadata.ownerReferences?.find((o: JsonMap) => o.kind === 'Deployment')?.name]));
}

/** podsByTrack splits the namespace's live pods by the Deployment whose ReplicaSet owns them. */
async function podsByTrack(scenario: OverlayScenario): Promise<{ production: JsonMap[]; canary: JsonMap[]; other: JsonMap[] }> {
  const [pods, owners] = await Promise.all([livePods(scenario.env), ownerDeployments(scenario)]);
  const out = { production: [] as JsonMap[], canary: [] as JsonMap[], other: [] as JsonMap[] };
  for (const pod of pods) {
    const rs = pod.metadata.ownerReferences?.find((o: JsonMap) => o.kind === 'ReplicaSet')?.name;
    const deployment = rs && owners.get(rs);
    if (deployment === scenario.names.deployment) out.production.push(pod);
    else if (deployment === scenario.canary) out.canary.push(pod);
    else out.other.push(pod);
  }
  return out;
}

/**
 * checkAutoscaled: the HPA scales the production Deployment, whose selector (what the HPA
 * measures) matches production's pods only; the PDB counts production's pods only; the canary
 * Deployment asks for `canaryReplicas` (the plan's) and runs that many pods.
 */
export async function checkAutoscaled(scenario: OverlayScenario, canaryReplicas: number): Promise<string> {
  const { env, names } = scenario;
  let seen = '';
  await eventually(async () => {
    const [hpa, pdb, production, canary, tracks] = await Promise.all([
      apiGet(env, 'apis/autoscaling/v2/horizontalpodautoscalers', names.horizontalPodAutoscaler!),
      apiGet(env, 'apis/policy/v1/poddisruptionbudgets', names.podDisruptionBudget!),
      env.get('deployment', names.deployment),
      env.get('deployment', scenario.canary),
      podsByTrack(scenario),
    ]);
    assert.ok(hpa && pdb && production && canary, 'the HPA, the PDB and both Deployments exist');
    assert.deepEqual(
      { kind: hpa.spec.scaleTargetRef.kind, name: hpa.spec.scaleTargetRef.name },
      { kind: 'Deployment', name: names.deployment },
      'the HPA scales the production Deployment',
    );
    const all = [...tracks.production, ...tracks.canary, ...tracks.other];
    const selected = all.filter((p) => matches(production.spec.selector, p.metadata.labels)).map((p) => p.metadata.name).sort();
    assert.deepEqual(selected, tracks.production.map((p) => p.metadata.name).sort(), "the production Deployment's selector (the HPA's pods) matches production's pods only");
    for (const pod of tracks.canary) assert.equal(pod.metadata.labels?.[TRACK_LABEL], 'canary', `canary pod ${pod.metadata.name} carries the track label`);
    const productionReady = tracks.production.filter(isReady).length;
    assert.equal(pdb.status?.observedGeneration, pdb.metadata.generation);
    assert.deepEqual(
      { expectedPods: pdb.status?.expectedPods, currentHealthy: pdb.status?.currentHealthy },
      { expectedPods: tracks.production.length, currentHealthy: productionReady },
      "the PDB counts production's pods only",
    );
    // The HPA's bounds hold production at minReplicas 2 whatever the canary runs.
    assert.equal(production.spec.replicas, 2, "the HPA keeps production at its minimum");
    assert.equal(hpa.status?.currentReplicas, 2);
    assert.equal(canary.spec.replicas, canaryReplicas, 'the canary Deployment has the replicas the plan gives it');
    assert.equal(tracks.canary.length, canaryReplicas, 'and runs that many pods');
    seen = `production ${tracks.production.length} pods (${productionReady} ready), canary ${tracks.canary.length}; PDB expects ${pdb.status.expectedPods}, ${pdb.status.currentHealthy} healthy, ${pdb.status.disruptionsAllowed} disruptions allowed`;
  });
  return seen;
}

/** HookWatch follows the hooked chart's hook Job and ConfigMap while a scenario runs. */
export interface HookWatch {
  /** Hook Jobs the cluster created, in order (each a new uid: before-hook-creation deletes the last one first). */
  jobsCreated(): number;
  /** Times the ConfigMap was found missing by the poll after it had existed. */
  configMapMissing(): number;
  /** caughtUp resolves once a poll begun after the call has finished: the counts then include what the cluster had at the call. */
  caughtUp(): Promise<void>;
  stop(): void;
}

/** POLL_MS: a hook Job lives from its apply to the next (seconds), as would a ConfigMap helm removed. */
const POLL_MS = 100;
/** A poll may fail on a busy machine (a reset connection, a slow answer); only this long without an answer fails the watch. */
const POLL_SILENCE_MS = 30_000;

/**
 * watchHook polls the hook Job and the ConfigMap through the API, on the simulator and on a real
 * API server alike. A hook Job lives from its apply until the next apply's hook replaces it
 * (seconds), and a ConfigMap helm removed would stay gone until the next apply, so the poll sees each.
 */
export function watchHook(scenario: OverlayScenario): HookWatch {
  const { env, names } = scenario;
  const jobs = new Set<string>();
  let missing = 0;
  let existed = false;
  let running = true;
  let rounds = 0;
  let answered = Date.now();
  let failure: unknown;
  const poll = (async () => {
    while (running) {
      try {
        const [job, cm] = await Promise.all([apiGet(env, 'apis/batch/v1/jobs', names.hookJob!), env.get('configMap', names.configMap!)]);
        if (job) jobs.add(job.metadata.uid);
        if (cm) existed = true;
        else if (existed) missing++;
        answered = Date.now();
        rounds++;
      } catch (err) {
        if (Date.now() - answered > POLL_SILENCE_MS) {
          failure = new Error(`the hook watch had no answer from the API server for ${POLL_SILENCE_MS / 1000} s`, { cause: err });
          return;
        }
      }
      await sleep(POLL_MS);
    }
  })();
  const checked = <T>(value: () => T): T => {
    if (failure) throw failure;
    return value();
  };
  return {
    jobsCreated: () => checked(() => jobs.size),
    configMapMissing: () => checked(() => missing),
    async caughtUp() {
      const until = rounds + 2;
      while (rounds < until && failure === undefined && running) await sleep(20);
      checked(() => undefined);
    },
    stop() {
      running = false;
      void poll;
    },
  };
}

/** helmRevision is the release's latest revision number (helm's Secrets keep the last --history-max of them, so their count is no measure). */
export async function helmRevisions(scenario: OverlayScenario): Promise<number> {
  const secrets = await scenario.env.list('secret', `owner=helm,name=${RELEASE}`);
  return Math.max(0, ...secrets.map((s) => Number(s.metadata.labels?.version ?? 0)));
}

/**
 * checkHooked: the last hook Job completed with production's image (the chart's own
 * image.tag, which the overlay values file sets to production's), the ConfigMap holds the chart's
 * data, and every pod of both tracks mounts it.
 */
export async function checkHooked(scenario: OverlayScenario, productionImage: string): Promise<void> {
  const { env, names } = scenario;
  const [job, cm, tracks] = await Promise.all([apiGet(env, 'apis/batch/v1/jobs', names.hookJob!), env.get('configMap', names.configMap!), podsByTrack(scenario)]);
  assert.ok(job, 'the hook Job exists');
  assert.equal(job.status?.succeeded, 1, `the hook Job completed: ${JSON.stringify(job.status)}`);
  assert.equal(job.spec.template.spec.containers[0].image, productionImage, "the hook ran production's image");
  assert.deepEqual(cm?.data, { greeting: 'hello' }, 'the mounted ConfigMap is there');
  for (const pod of [...tracks.production, ...tracks.canary]) {
    // An API server defaults the volume's defaultMode (420); the simulator leaves it out.
    const volume = pod.spec.volumes?.find((v: JsonMap) => v.name === 'config');
    assert.equal(volume?.configMap?.name, names.configMap, `pod ${pod.metadata.name} mounts the ConfigMap: ${JSON.stringify(volume)}`);
  }
}
