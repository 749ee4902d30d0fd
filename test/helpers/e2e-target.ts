// Where the e2e tier runs: the simulator (the default, one per scenario), or any API server named by
// E2E_KUBECONFIG (the real control plane of `npm run test:real`, kind, minikube, a cloud cluster).
//
// On an API server each scenario gets a namespace of its own, the tool runs as the ServiceAccount
// and Role that `helm-canary rbac` prints (least privilege, with a TokenRequest token), and stop()
// deletes the namespace. Pod faults (never ready, crash-loop) need kwok's Stage API, which the
// real control plane serves; elsewhere `podFaults` is false and the cases that need them skip.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import YAML from 'yaml';
import { startCluster, type Cluster, type ClusterOptions } from '../../sim/cluster.js';
import type { PodBehaviour } from '../../sim/faults.js';
import type { Traffic, TrafficOptions } from '../../sim/mesh/index.js';
import { apiClientFor, waitFor, type ApiClient } from '../control-plane/launch-api.js';
import { serviceAccountKubeconfig } from '../control-plane/launch-service-account.js';
import { readKubeconfig } from './kubeconfig-api.js';
import { runCli } from './run-cli.js';

/** E2E_KUBECONFIG names the cluster the e2e tier runs against instead of the simulator. */
export const e2eKubeconfig = process.env.E2E_KUBECONFIG || undefined;

/** onSimulator: the tier runs on the simulator (no E2E_KUBECONFIG). */
export const onSimulator = e2eKubeconfig === undefined;

/** SIM_ONLY is a node:test `skip` reason for cases that inject faults only the simulator can (HTTP errors, dropped connections). */
export const SIM_ONLY = onSimulator ? false : 'needs the simulator (injects API server faults); E2E_KUBECONFIG is set';

/** TargetWorld is one scenario's place on a cluster. */
export interface TargetWorld {
  namespace: string;
  /** The kubeconfig the tool and helm run with. */
  kubeconfigPath: string;
  /** A client with the tests' own rights, for reading what the cluster runs and making hand-made edits. */
  api: ApiClient;
  /** The simulator, when the target is the simulator: its store, fault rules and mesh. */
  sim?: Cluster;
  /** Pods can be made to misbehave (setImageBehaviour works). */
  podFaults: boolean;
  /** setImageBehaviour makes pods of `image` (repo:tag) behave so; with existingPods, the running ones too. */
  setImageBehaviour(image: string, behaviour: PodBehaviour, options?: { existingPods?: boolean }): Promise<void>;
  /** setImageReadyDelay makes pods of `image` take `ms` to start, instead of the cluster's delay; on an API server it holds for every namespace until the cluster stops. */
  setImageReadyDelay(image: string, ms: number): Promise<void>;
  /**
   * traffic is the mesh model over this world's pods, endpoints and Istio objects: the
   * simulator's own (its options were given at start), or one over watches on the API server
   * (stopped with the world). Load through it counts failed requests the same way on both.
   */
  traffic(options?: TrafficOptions): Promise<Traffic>;
  stop(): Promise<void>;
}

/** openWorld starts a simulator, or takes a namespace on the E2E_KUBECONFIG cluster; `simOptions` apply to the simulator only. */
export async function openWorld(namespace: string, dir: string, simOptions: ClusterOptions = {}): Promise<TargetWorld> {
  return e2eKubeconfig === undefined ? simulatorWorld(namespace, simOptions) : apiServerWorld(e2eKubeconfig, namespace, dir);
}

async function simulatorWorld(namespace: string, options: ClusterOptions): Promise<TargetWorld> {
  const sim = await startCluster({ namespaces: [namespace], podReadyDelayMs: 0, podTerminationDelayMs: 0, meshPropagationDelayMs: 0, ...options });
  return {
    namespace,
    kubeconfigPath: sim.kubeconfigPath,
    api: apiClientFor(readKubeconfig(sim.kubeconfigPath)),
    sim,
    podFaults: true,
    setImageBehaviour: async (image, behaviour, opts) => sim.faults.setImageBehaviour(image, behaviour, opts),
    setImageReadyDelay: async (image, ms) => sim.faults.setImageReadyDelay(image, ms),
    async traffic() {
      if (!sim.traffic) throw new Error('this simulator runs without its controllers: no traffic model');
      return sim.traffic;
    },
    stop: () => sim.stop(),
  };
}

async function apiServerWorld(kubeconfig: string, base: string, dir: string): Promise<TargetWorld> {
  const admin = readKubeconfig(kubeconfig);
  const api = apiClientFor(admin);
  const namespace = `${base}-${randomBytes(3).toString('hex')}`;
  const must = async (what: string, response: Promise<{ status: number; text: string }>) => {
    const res = await response;
    if (res.status >= 300) throw new Error(`${what}: HTTP ${res.status} ${res.text}`);
  };
  await must(`create namespace ${namespace}`, api.call('POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'helm-canary-e2e': 'true' } } })));
  const stop = async () => {
    await api.call('DELETE', `/api/v1/namespaces/${namespace}`);
  };
  try {
    // The tool runs with exactly what `helm-canary rbac` grants.
    const rbac = await runCli(['rbac', '--namespace', namespace]);
    if (rbac.exitCode !== 0) throw new Error(`helm-canary rbac failed: ${rbac.stderr}`);
    for (const doc of YAML.parseAllDocuments(rbac.stdout)) await must(`apply ${doc.get('kind')}`, api.apply(doc.toJS()));
    // Pods need the namespace's default ServiceAccount, which the controller-manager makes.
    await waitFor(async () => (await api.call('GET', `/api/v1/namespaces/${namespace}/serviceaccounts/default`)).status === 200, 30_000, () => `no default ServiceAccount in ${namespace}`);
    const { kubeconfigPath } = await serviceAccountKubeconfig(api, admin, namespace, 'helm-canary', join(dir, 'tool.kubeconfig'));
    // Loaded here only: a run on the simulator needs nothing of kwok.
    const { podFaultsAvailable, setImageBehaviour, setImageReadyDelay } = await import('../control-plane/pod-faults.js');
    const podFaults = await podFaultsAvailable(api);
    const faulted = new Set<string>();
    const meshes: Traffic[] = [];
    return {
      namespace, kubeconfigPath, api, podFaults,
      async setImageBehaviour(image, behaviour, opts) {
        if (!podFaults) throw new Error('this cluster has no kwok Stage API: pod faults need the real control plane of `npm run test:real`');
        faulted.add(image);
        await setImageBehaviour(api, image, behaviour, opts);
      },
      async setImageReadyDelay(image, ms) {
        if (!podFaults) throw new Error('this cluster has no kwok Stage API: per-image delays need the real control plane of `npm run test:real`');
        await setImageReadyDelay(api, image, ms);
      },
      async traffic(options = {}) {
        // The mesh module pulls in the Kubernetes client: loaded only by the tests that send load.
        const { createTrafficOverApi } = await import('../../sim/mesh/index.js');
        const traffic = await createTrafficOverApi({ kubeconfig, namespace, ...options });
        meshes.push(traffic);
        return traffic;
      },
      async stop() {
        for (const traffic of meshes) traffic.stop();
        for (const image of faulted) await setImageBehaviour(api, image, 'ready');
        await stop();
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
