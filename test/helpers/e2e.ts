// Given/When/Then helpers for end-to-end tests: a simulated cluster, a canary.yaml for the
// reference chart in a temp dir, the real helm binary of one major version, and the built CLI.
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startCluster, type Cluster } from '../../sim/cluster.js';
import { KINDS } from '../../sim/store/resources.js';
import type { KubeObject } from '../../sim/store/types.js';
import { setupHelm } from '../../scripts/setup-helm.mjs';
import { runCli, repoRoot, type CliResult } from './run-cli.js';

/** REPOSITORY is the image repository of the e2e release. */
export const REPOSITORY = 'acr.io/bookinfo/productpage';

/** HelmMajor names the helm versions the suite runs with. */
export type HelmMajor = 3 | 4;
export const HELM_MAJORS: HelmMajor[] = [3, 4];

/** Observed is what the cluster runs, read straight from the simulator's store. */
export interface Observed {
  production: { image: string; replicas: number; ready: number };
  canary: { image: string; replicas: number; ready: number };
  weights: { production: number; canary: number };
  record?: { stage: number; phase: string; stableTag: string; newTag: string };
}

/** Env is one test's world: cluster, working directory, environment and the CLI bound to them. */
export interface Env {
  cluster: Cluster;
  dir: string;
  env: Record<string, string>;
  release: string;
  namespace: string;
  cli(args: string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  observe(): Observed;
  writeConfig(changes?: Record<string, unknown>): void;
  stop(): Promise<void>;
}

/** givenCluster starts a simulated cluster and a canary.yaml for `release` (drain 0, helm timeout 20s). */
export async function givenCluster(helm: HelmMajor, options: { release?: string; namespace?: string; config?: Record<string, unknown>; cluster?: Record<string, unknown> } = {}): Promise<Env> {
  const helmPaths = await setupHelm();
  const release = options.release ?? 'productpage';
  const namespace = options.namespace ?? 'shop';
  const cluster = await startCluster({ namespaces: [namespace], podReadyDelayMs: 0, podTerminationDelayMs: 0, meshPropagationDelayMs: 0, ...options.cluster });
  const dir = mkdtempSync(join(tmpdir(), 'hc-e2e-'));
  const home = join(dir, 'home');
  mkdirSync(home);
  const env: Record<string, string> = {
    KUBECONFIG: cluster.kubeconfigPath,
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
  const find = (type: (typeof KINDS)[keyof typeof KINDS], name: string): KubeObject | undefined => cluster.store.get(type, namespace, name);
  const observe = (): Observed => {
    const dep = (name: string) => {
      const d = find(KINDS.deployment, name) as any;
      return { image: d?.spec?.template?.spec?.containers?.[0]?.image, replicas: d?.spec?.replicas, ready: d?.status?.readyReplicas ?? 0 };
    };
    const vs = find(KINDS.virtualService, release) as any;
    const weights = { production: 0, canary: 0 };
    for (const r of vs?.spec?.http?.[0]?.route ?? []) weights[r.destination.subset as 'production' | 'canary'] = r.weight ?? 0;
    const cm = find(KINDS.configMap, `helm-canary-${release}`) as any;
    const record = cm ? JSON.parse(cm.data['record.json']) : undefined;
    return {
      production: dep(`${release}-production`),
      canary: dep(`${release}-canary`),
      weights,
      record: record && { stage: record.stage, phase: record.phase, stableTag: record.stableTag, newTag: record.newTag },
    };
  };
  return {
    cluster, dir, env, release, namespace, observe, writeConfig,
    cli: (args, extraEnv = {}) => runCli(args, { cwd: dir, env: { ...env, ...extraEnv }, extendEnv: true }),
    async stop() {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** stageShape is a compact view of the cluster for table assertions: "prodTag/replicas/weight canaryTag/replicas/weight". */
export function stageShape(o: Observed): string {
  const tag = (image: string | undefined) => image?.split(':').pop() ?? '-';
  return `P ${tag(o.production.image)}/${o.production.replicas}/${o.weights.production} C ${tag(o.canary.image)}/${o.canary.replicas}/${o.weights.canary}`;
}
