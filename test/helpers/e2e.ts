// Given/When/Then helpers for end-to-end tests: a simulated cluster (or E2E_KUBECONFIG's, see e2e-target.ts), a canary.yaml for the
// reference chart in a temp dir, the real helm binary of one major version, and the built CLI.
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import type { Cluster } from '../../sim/cluster.js';
import type { ApiClient } from '../control-plane/launch-api.js';
import { openWorld, type TargetWorld } from './e2e-target.js';
import { setupHelm } from '../../scripts/setup-helm.mjs';
import { runCli, repoRoot, type CliResult } from './run-cli.js';

/** REPOSITORY is the image repository of the e2e release. */
export const REPOSITORY = 'acr.io/bookinfo/productpage';

/** HelmMajor names the helm versions the suite runs with. */
export type HelmMajor = 3 | 4;
export const HELM_MAJORS: HelmMajor[] = [3, 4];

/** Observed is what the cluster runs, read through its API. */
export interface Observed {
  production: { image: string; replicas: number; ready: number };
  canary: { image: string; replicas: number; ready: number };
  weights: { production: number; canary: number };
  record?: { stage: number; phase: string; stableTag: string; newTag: string };
}

/** Env is one test's world: cluster, working directory, environment and the CLI bound to them. */
export interface Env {
  /** Where the scenario runs (the simulator, or a namespace on E2E_KUBECONFIG's cluster). */
  world: TargetWorld;
  /** The simulator, when the tier runs on it (fault rules on API requests, the store, the mesh). */
  sim?: Cluster;
  /** A client with the tests' own rights. */
  api: ApiClient;
  dir: string;
  env: Record<string, string>;
  release: string;
  namespace: string;
  cli(args: string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  observe(): Promise<Observed>;
  /** get reads one object of the release's namespace; undefined on 404. */
  get(resource: Resource, name: string): Promise<any | undefined>;
  /** list reads the objects of the namespace that match a label selector. */
  list(resource: Resource, labelSelector: string): Promise<any[]>;
  /** put replaces one object as `kubectl edit` does (field manager kubectl-edit); throws unless 200. */
  put(resource: Resource, object: any): Promise<void>;
  writeConfig(changes?: Record<string, unknown>): void;
  /**
   * grantChartRbac widens the tool's Role on a real API server with what `helm-canary rbac -f
   * canary.yaml` adds for the chart's own kinds (a team's chart in overlay mode); nothing on the
   * simulator, which has no RBAC.
   */
  grantChartRbac(): Promise<void>;
  stop(): Promise<void>;
}

/** RESOURCES are the REST collections, as `group-version/resource`, of the kinds the e2e tier reads and edits. */
export const RESOURCES = {
  deployment: 'apis/apps/v1/deployments',
  virtualService: 'apis/networking.istio.io/v1/virtualservices',
  configMap: 'api/v1/configmaps',
  lease: 'apis/coordination.k8s.io/v1/leases',
  secret: 'api/v1/secrets',
} as const;
export type Resource = keyof typeof RESOURCES;

/** ObservedObjects name the Deployments and VirtualService observe() reads (default: the reference chart's). */
export interface ObservedObjects {
  production: string;
  canary: string;
  virtualService: string;
}

/** givenCluster starts a simulated cluster (or takes a namespace on E2E_KUBECONFIG's) and a canary.yaml for `release` (drain 0, helm timeout 20s). */
export async function givenCluster(helm: HelmMajor, options: { release?: string; namespace?: string; config?: Record<string, unknown>; cluster?: Record<string, unknown>; objects?: ObservedObjects } = {}): Promise<Env> {
  const helmPaths = await setupHelm();
  const release = options.release ?? 'productpage';
  const dir = mkdtempSync(join(tmpdir(), 'hc-e2e-'));
  const world = await openWorld(options.namespace ?? 'shop', dir, options.cluster);
  const { namespace, api } = world;
  const home = join(dir, 'home');
  mkdirSync(home);
  const env: Record<string, string> = {
    KUBECONFIG: world.kubeconfigPath,
    HOME: home,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
    HELM_BIN: helmPaths[helm],
    HELM_CANARY_VERIFY_TIMEOUT_MS: '5000',
    CI: 'true',
  };
  const writeConfig = (changes: Record<string, unknown> = {}) => {
    writeFileSync(join(dir, 'canary.yaml'), stringify({
      release, namespace, chart: join(repoRoot, 'charts', 'canary-app'),
      image: { repository: REPOSITORY }, replicas: 2, drainSeconds: 0,
      helm: { timeout: '20s' },
      ...options.config, ...changes,
    }));
  };
  writeConfig();
  // The REST path of a collection (or of one object in it) in the release's namespace.
  const url = (resource: Resource, name?: string) => {
    const collection = RESOURCES[resource];
    const cut = collection.lastIndexOf('/');
    return `/${collection.slice(0, cut)}/namespaces/${namespace}${collection.slice(cut)}${name === undefined ? '' : `/${name}`}`;
  };
  const get = async (resource: Resource, name: string) => {
    const res = await api.call('GET', url(resource, name));
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`GET ${url(resource, name)}: HTTP ${res.status} ${res.text}`);
    return res.body;
  };
  const list = async (resource: Resource, labelSelector: string) => {
    const res = await api.call('GET', `${url(resource)}?labelSelector=${encodeURIComponent(labelSelector)}`);
    if (res.status !== 200) throw new Error(`LIST ${url(resource)}: HTTP ${res.status} ${res.text}`);
    return res.body.items as any[];
  };
  const put = async (resource: Resource, object: any) => {
    const path = `${url(resource, object.metadata.name)}?fieldManager=kubectl-edit`;
    const res = await api.call('PUT', path, JSON.stringify(object));
    if (res.status !== 200) throw new Error(`PUT ${path}: HTTP ${res.status} ${res.text}`);
  };
  const observe = async (): Promise<Observed> => {
    const dep = async (name: string) => {
      const d = await get('deployment', name);
      return { image: d?.spec?.template?.spec?.containers?.[0]?.image, replicas: d?.spec?.replicas, ready: d?.status?.readyReplicas ?? 0 };
    };
    const names = options.objects ?? { production: `${release}-production`, canary: `${release}-canary`, virtualService: release };
    const [production, canary, vs, cm] = await Promise.all([
      dep(names.production), dep(names.canary), get('virtualService', names.virtualService), get('configMap', `helm-canary-${release}`),
    ]);
    const weights = { production: 0, canary: 0 };
    for (const r of vs?.spec?.http?.[0]?.route ?? []) weights[r.destination.subset as 'production' | 'canary'] = r.weight ?? 0;
    const record = cm ? JSON.parse(cm.data['record.json']) : undefined;
    return {
      production, canary, weights,
      record: record && { stage: record.stage, phase: record.phase, stableTag: record.stableTag, newTag: record.newTag },
    };
  };
  const cli = (args: string[], extraEnv: Record<string, string> = {}) => runCli(args, { cwd: dir, env: { ...env, ...extraEnv }, extendEnv: true });
  const grantChartRbac = async () => {
    if (world.sim) return;
    const rbac = await cli(['rbac', '--namespace', namespace, '-f', join(dir, 'canary.yaml')]);
    if (rbac.exitCode !== 0) throw new Error(`helm-canary rbac -f canary.yaml failed: ${rbac.stderr}`);
    for (const doc of parseAllDocuments(rbac.stdout)) {
      const res = await api.apply(doc.toJS());
      if (res.status >= 300) throw new Error(`apply ${doc.get('kind')}: HTTP ${res.status} ${res.text}`);
    }
  };
  return {
    world, sim: world.sim, api, dir, env, release, namespace, observe, get, list, put, writeConfig, grantChartRbac, cli,
    async stop() {
      await world.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** withoutPodFaults skips test `t` when the cluster cannot make pods misbehave (E2E_KUBECONFIG without kwok's Stage API); true when skipped. */
export function withoutPodFaults(t: { skip(message?: string): void }, env: Env): boolean {
  if (env.world.podFaults) return false;
  t.skip('needs pod faults (kwok Stages): the simulator or the real control plane of `npm run test:real`');
  return true;
}

/** stageShape is a compact view of the cluster for table assertions: "prodTag/replicas/weight canaryTag/replicas/weight". */
export function stageShape(o: Observed): string {
  const tag = (image: string | undefined) => image?.split(':').pop() ?? '-';
  return `P ${tag(o.production.image)}/${o.production.replicas}/${o.weights.production} C ${tag(o.canary.image)}/${o.canary.replicas}/${o.weights.canary}`;
}
