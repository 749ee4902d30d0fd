// The traffic-safety scenario of traffic.test.ts for overlay mode: one of the charts nobody here
// wrote (test/helpers/any-charts.ts), deployed by helm-canary with `mode: overlay` on a cluster
// whose pods take time to start and to stop and whose mesh lags by a propagation delay, with load
// sent through the mesh to the chart's Service. The delays are traffic.test.ts's. The cluster is
// the simulator, or the API server of E2E_KUBECONFIG (`npm run test:real`): everything here reads
// it through the API or the mesh's watches, and pod start delays come from kwok there.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLoad, type LoadGenerator, type RouteResult, type Traffic, type TrafficCounts } from '../../sim/mesh/index.js';
import { KINDS } from '../../sim/store/resources.js';
import type { KubeObject } from '../../sim/store/types.js';
import { ANY_CHART_REPOSITORY, createAnyChart, type AnyChart, type AnyChartKind, type AnyChartObjects } from '../helpers/any-charts.js';
import { givenCluster, type Env, type HelmMajor } from '../helpers/e2e.js';

/** RELEASE is the release name; with helm create's chart named `web` too, every object is called `web`. */
export const RELEASE = 'web';

export const RATE = 200; // requests per second
export const PROPAGATION_MS = 300;
// Pods take longer to become ready than configuration takes to reach Envoy, as in real clusters.
export const CLUSTER = { podReadyDelayMs: 500, podTerminationDelayMs: 200, meshPropagationDelayMs: PROPAGATION_MS, trafficSeed: 20240607 };
// drainSeconds above the propagation delay.
// helm's timeout is long because many clusters and helm runs share two cores: a slow apply is not what these tests are about.
export const CONFIG = { drainSeconds: 1, helm: { timeout: '90s' } };
/** TAGS are the image tags the scenarios run: on an API server their pods take podReadyDelayMs to start (kwok's delay, set per image). */
const TAGS = ['1.0', '2.0', '2.2', '2.3', '2.4', '2.5', '2.6', '2.7'];
// The split check of traffic.test.ts: a window of at least MIN_REQUESTS once the stage reached Envoy.
const SPLIT_WINDOW_MS = 2500;
export const MIN_REQUESTS = 400;
export const TOLERANCE_POINTS = 5;

/** OverlayScenario is one cluster running one chart in overlay mode. */
export interface OverlayScenario {
  env: Env;
  chart: AnyChart;
  names: AnyChartObjects;
  /** The generated canary Deployment's name. */
  canary: string;
  stop(): Promise<void>;
}

/** givenOverlayScenario generates `kind` with real helm `helm` and starts a cluster with the scenario's delays; canary.yaml says `mode: overlay`. */
export async function givenOverlayScenario(kind: AnyChartKind, helm: HelmMajor, config: Record<string, unknown> = {}): Promise<OverlayScenario> {
  const chart = await createAnyChart(kind, helm, { name: RELEASE });
  const names = chart.objects(RELEASE);
  const canary = `${names.deployment}-canary`;
  try {
    const env = await givenCluster(helm, {
      release: RELEASE,
      cluster: CLUSTER,
      objects: { production: names.deployment, canary, virtualService: names.service },
      config: { ...CONFIG, chart: chart.dir, valuesFiles: [await chart.writeValues(RELEASE)], mode: 'overlay', ...config },
    });
    try {
      // On an API server the tool runs as `helm-canary rbac`'s ServiceAccount: the chart's kinds need rules of their own.
      await env.grantChartRbac();
      if (!env.sim && env.world.podFaults) {
        for (const tag of TAGS) await env.world.setImageReadyDelay(`${ANY_CHART_REPOSITORY}:${tag}`, CLUSTER.podReadyDelayMs);
      }
    } catch (err) {
      await env.stop();
      throw err;
    }
    return {
      env, chart, names, canary,
      async stop() {
        await env.stop();
        await chart.remove();
      },
    };
  } catch (err) {
    await chart.remove();
    throw err;
  }
}

export function describeCounts(c: TrafficCounts): string {
  const reasons = Object.entries(c.failures).map(([r, n]) => `${r}: ${n}`).join(', ');
  return `${c.total} requests, ${c.failed} failed${reasons ? ` (${reasons})` : ''}`;
}

/** ok runs the CLI and fails the test on a non-zero exit; returns stdout. */
export async function ok(env: Env, args: string[]): Promise<string> {
  // The API server serves several busy scenarios at once (the simulator runs in the test process).
  const r = await env.cli(args, { HELM_CANARY_VERIFY_TIMEOUT_MS: '20000' });
  assert.equal(r.exitCode, 0, `helm-canary ${args.join(' ')}: ${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

/** Answered is what the load saw of one pod that answered. */
export interface Answered {
  /** When it first answered. */
  first: number;
}

/** Load is a running load through the mesh that also remembers which pods answered. */
export interface Load {
  load: LoadGenerator;
  /** Every pod that answered a request. */
  answeredBy: Map<string, Answered>;
  /** The controller (`Kind/name`) of every pod the cluster has had since the load started. */
  podOwners: Map<string, string>;
  traffic: Traffic;
}

/**
 * startLoadAfterReach waits until what is installed has reached Envoy, then sends RATE requests a
 * second to the chart's Service (by name: before helm-canary there is no VirtualService, and the
 * mesh then routes to the Service as a whole).
 */
export async function startLoadAfterReach(scenario: OverlayScenario): Promise<Load> {
  const { env, names } = scenario;
  const traffic = await env.world.traffic({ meshPropagationDelayMs: PROPAGATION_MS, seed: CLUSTER.trafficSeed });
  await sleep(PROPAGATION_MS + 200);
  const answeredBy = new Map<string, Answered>();
  const podOwners = new Map<string, string>();
  // The pods as the mesh sees them: the simulator's store, or watches on the API server.
  const pod = (p: KubeObject) => {
    const ref = p.metadata.ownerReferences?.find((r) => r.controller) ?? p.metadata.ownerReferences?.[0];
    podOwners.set(p.metadata.name, ref ? `${ref.kind}/${ref.name}` : '-');
  };
  for (const p of traffic.source.list(KINDS.pod, env.namespace)) pod(p);
  traffic.source.subscribe((e) => {
    if (e.object.metadata.namespace === env.namespace && e.resource.kind === 'Pod' && e.type === 'ADDED') pod(e.object);
  });
  const router = {
    route(): RouteResult {
      const r = traffic.mesh.route(names.service);
      if (r.ok && !answeredBy.has(r.pod)) answeredBy.set(r.pod, { first: Date.now() });
      return r;
    },
  };
  return { load: startLoad({ mesh: router, ratePerSecond: RATE, durationMs: 10 * 60_000 }), answeredBy, podOwners, traffic };
}

/** canarySplit measures the canary's share over a window once the stage's weights reached Envoy. */
export async function canarySplit(load: LoadGenerator): Promise<{ total: number; percent: number }> {
  await sleep(PROPAGATION_MS + 200);
  const from = Date.now();
  await sleep(SPLIT_WINDOW_MS);
  const c = load.between(from, Date.now());
  return { total: c.total, percent: (100 * (c.bySubset.canary ?? 0)) / c.total };
}

/**
 * strangers are the pods that answered and belong to neither the production nor the canary
 * Deployment's ReplicaSets (a hook Job's pod the Service took in, say): each with its owner and
 * when it first answered (`when` names the step running at that time).
 */
export function strangers(scenario: OverlayScenario, load: Load, when: (at: number) => string = () => ''): string[] {
  const own = new RegExp(`^ReplicaSet/(${scenario.names.deployment}|${scenario.canary})-[a-z0-9]+$`);
  return [...load.answeredBy]
    .filter(([pod]) => !own.test(load.podOwners.get(pod) ?? '?'))
    .map(([pod, seen]) => `${pod} (${load.podOwners.get(pod) ?? 'owner unknown'}) answered at ${new Date(seen.first).toISOString()} ${when(seen.first)}`.trim());
}

type JsonMap = Record<string, any>;

/** apiGet reads one namespaced object by its collection path (`apis/autoscaling/v2/horizontalpodautoscalers`). */
export async function apiGet(env: Env, collection: string, name: string): Promise<JsonMap | undefined> {
  const cut = collection.lastIndexOf('/');
  const path = `/${collection.slice(0, cut)}/namespaces/${env.namespace}${collection.slice(cut)}/${name}`;
  const res = await env.api.call('GET', path);
  if (res.status === 404) return undefined;
  assert.equal(res.status, 200, `GET ${path}: ${res.text}`);
  return res.body;
}

/** podsOf lists the namespace's pods that are not terminating. */
export async function livePods(env: Env): Promise<JsonMap[]> {
  const res = await env.api.call('GET', `/api/v1/namespaces/${env.namespace}/pods`);
  assert.equal(res.status, 200, res.text);
  return (res.body.items as JsonMap[]).filter((p) => !p.metadata.deletionTimestamp);
}

export const isReady = (p: JsonMap): boolean => (p.status?.conditions ?? []).some((c: JsonMap) => c.type === 'Ready' && c.status === 'True');

/** matches says whether a matchLabels-only selector selects `labels`. */
export function matches(selector: JsonMap, labels: Record<string, string> = {}): boolean {
  assert.equal(selector.matchExpressions, undefined, 'the test charts select by matchLabels only');
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

/** eventually retries `check` (assertions) until it passes or `ms` pass; controllers write status a moment after helm returns. */
export async function eventually(check: () => Promise<void>, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await sleep(100);
    }
  }
}
