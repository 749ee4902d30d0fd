// startRealCluster: a real Kubernetes control plane on this machine, without containers, the way
// envtest and `kwokctl --runtime binary` run one: etcd, kube-apiserver (TLS, client certificates,
// RBAC), kube-controller-manager and kube-scheduler from the binaries built into
// .cache/control-plane/bin, and kwok playing the kubelets of a few fake Nodes. Istio's CRDs are
// applied at start so the API server itself validates VirtualServices and DestinationRules; kwok's
// Stage CRD too, and kwok's Stages are objects, so tests can change pods' behaviour per image
// while the cluster runs (pod-faults.ts).
//
// Everything lives in one temp dir (PKI, etcd's data, kubeconfigs, one log per component) that
// stop() removes. Each process dies with its parent (launch-processes.ts).
import { existsSync } from 'node:fs';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { apiClient, waitFor, type ApiClient } from './launch-api.js';
import { writeRealKubeconfig } from './launch-kubeconfig.js';
import { fakeNode, kwokArgs, kwokStages } from './launch-kwok.js';
import { makePki, type Pki } from './launch-pki.js';
import { failIfExited, startComponent, type Component } from './launch-processes.js';
import { DIR_PREFIX, markOwner, releaseOwner, removeStaleDirs } from './launch-stale.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** CONTROL_PLANE_DIR is where `npm run control-plane:build` puts the binaries, Istio's CRDs and kwok's Stage CRD. */
export const CONTROL_PLANE_DIR = process.env.HELM_CANARY_CONTROL_PLANE_DIR ?? join(repoRoot, '.cache', 'control-plane');

/** BINARIES are the programs the launcher needs, in start order. */
export const BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'] as const;
type Binary = (typeof BINARIES)[number];

const SERVICE_CIDR = '10.96.0.0/16';
const FIRST_SERVICE_IP = '10.96.0.1';

/** RealClusterOptions configure startRealCluster; every field has a default. */
export interface RealClusterOptions {
  /** Directory with the binaries; CONTROL_PLANE_DIR/bin by default. */
  binDir?: string;
  /** Istio's CRDs (multi-document YAML); CONTROL_PLANE_DIR/istio-crds.yaml by default; false applies none. */
  istioCrds?: string | false;
  /** Fake Nodes kwok plays (default 2). */
  nodes?: number;
  /** Scheduled to Running and Ready (default 500 ms). */
  podReadyDelayMs?: number;
  /** Deletion to removal, at most the grace period (default 500 ms). */
  podTerminationDelayMs?: number;
  /** Namespaces to create at start, besides the built-in ones. */
  namespaces?: string[];
  /** Keep the temp dir (logs, etcd data) after stop(), for debugging; also HELM_CANARY_KEEP_CONTROL_PLANE=1. */
  keepDir?: boolean;
  /** Progress lines ("etcd ready after 0.4 s"); silent by default. */
  log?: (line: string) => void;
}

/** RealCluster is a running control plane. */
export interface RealCluster {
  /** The admin's kubeconfig (O=system:masters). */
  kubeconfigPath: string;
  /** The API server URL, https://127.0.0.1:PORT. */
  server: string;
  /** The temp dir with the PKI, kubeconfigs and one log per component. */
  dir: string;
  pki: Pki;
  /** A client as the admin, for tests that read or write objects directly. */
  api: ApiClient;
  /** Milliseconds from the call to a usable cluster. */
  startupMs: number;
  /** stop kills every component and removes the temp dir; safe to call twice. */
  stop(): Promise<void>;
}

/** MissingBinariesError says which binaries are absent and how to build them. */
export class MissingBinariesError extends Error {
  constructor(readonly missing: string[], binDir: string) {
    super(`The real control plane needs ${missing.join(', ')} in ${binDir}: run \`npm run control-plane:build\` first (it builds them from Go modules).`);
  }
}

/** missingBinaries lists what is absent from `binDir` (all of BINARIES are needed). */
export function missingBinaries(binDir = join(CONTROL_PLANE_DIR, 'bin')): string[] {
  return BINARIES.filter((b) => !existsSync(join(binDir, b)));
}

/** freePort asks the kernel for a free loopback port. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** healthy GETs a health endpoint; components' own serving certs are self-signed, hence no verification. */
function healthy(url: string): Promise<boolean> {
  return new Promise((resolveOk) => {
    const get = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = get(url, { method: 'GET', rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume();
      resolveOk(res.statusCode === 200);
    });
    req.on('error', () => resolveOk(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** startRealCluster starts the control plane and returns once Deployments can run pods on its Nodes; always stop() it. */
export async function startRealCluster(options: RealClusterOptions = {}): Promise<RealCluster> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const since = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const binDir = options.binDir ?? join(CONTROL_PLANE_DIR, 'bin');
  const missing = missingBinaries(binDir);
  if (missing.length) throw new MissingBinariesError(missing, binDir);
  const crdsPath = options.istioCrds === undefined ? join(CONTROL_PLANE_DIR, 'istio-crds.yaml') : options.istioCrds;
  if (crdsPath && !existsSync(crdsPath)) throw new Error(`Istio's CRDs are missing at ${crdsPath}: run \`npm run control-plane:build\` first.`);
  const kwokCrdsPath = join(CONTROL_PLANE_DIR, 'kwok-crds.yaml');
  if (!existsSync(kwokCrdsPath)) throw new Error(`kwok's Stage CRD is missing at ${kwokCrdsPath}: run \`npm run control-plane:build\` first.`);
  const bin = (name: Binary) => join(binDir, name);

  for (const stale of removeStaleDirs()) log(`removed ${stale}, left by a control plane whose owner was killed`);
  const dir = await mkdtemp(join(tmpdir(), DIR_PREFIX));
  markOwner(dir);
  const components: Component[] = [];
  let stopping: Promise<void> | undefined;
  const keepDir = options.keepDir ?? process.env.HELM_CANARY_KEEP_CONTROL_PLANE === '1';
  const stop = () =>
    (stopping ??= (async () => {
      // Reverse start order: kwok and the controllers first, so nothing writes to a dying API server.
      for (const c of [...components].reverse()) await c.stop();
      if (keepDir) releaseOwner(dir);
      else await rm(dir, { recursive: true, force: true });
    })());
  const start = async (name: string, binary: Binary, args: string[], env: Record<string, string> = {}) => {
    const c = await startComponent(name, bin(binary), args, dir, env);
    components.push(c);
    return c;
  };

  try {
    const [etcdClientPort, etcdPeerPort, apiPort, cmPort, schedulerPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const pki = await makePki(dir, FIRST_SERVICE_IP);
    log(`PKI ready after ${since()}`);

    const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
    const etcdPeerUrl = `http://127.0.0.1:${etcdPeerPort}`;
    const etcd = await start('etcd', 'etcd', [
      '--name=etcd0', `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${etcdPeerUrl}`, `--initial-advertise-peer-urls=${etcdPeerUrl}`,
      `--initial-cluster=etcd0=${etcdPeerUrl}`, '--initial-cluster-state=new',
      // A throw-away store: fsync buys durability nobody needs here and costs seconds per rollout.
      '--unsafe-no-fsync', '--log-level=warn',
    ]);
    await waitFor(async () => (failIfExited(etcd), healthy(`${etcdUrl}/health`)), 30_000, () => 'etcd did not get healthy');
    log(`etcd ready after ${since()}`);

    const server = `https://127.0.0.1:${apiPort}`;
    const apiServer = await start('kube-apiserver', 'kube-apiserver', [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, 'apiserver-certs')}`,
      `--tls-cert-file=${pki.apiServer.cert}`, `--tls-private-key-file=${pki.apiServer.key}`,
      `--client-ca-file=${pki.ca.cert}`,
      '--authorization-mode=Node,RBAC',
      // The request-header (front proxy) settings kubeadm sets: without them the controller-manager
      // and the scheduler log "missing content for CA bundle" several times a second. Only a
      // certificate named front-proxy-client may assert a user, and the launcher issues none.
      `--requestheader-client-ca-file=${pki.ca.cert}`, '--requestheader-allowed-names=front-proxy-client',
      '--requestheader-username-headers=X-Remote-User', '--requestheader-group-headers=X-Remote-Group', '--requestheader-extra-headers-prefix=X-Remote-Extra-',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pki.serviceAccount.pub}`, `--service-account-signing-key-file=${pki.serviceAccount.key}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      // The `kubernetes` Service's endpoints would be 127.0.0.1, which Endpoints validation
      // rejects (loopback); nothing in the cluster calls the API server through the Service.
      '--endpoint-reconciler-type=none',
      '--allow-privileged=true', '--profiling=false',
    ]);
    const api = apiClient(server, pki);
    await waitFor(async () => (failIfExited(apiServer), (await api.call('GET', '/readyz')).status === 200), 60_000, () => 'kube-apiserver did not get ready');
    log(`kube-apiserver ready after ${since()}`);

    const kubeconfig = (name: string, pair: Pki['admin']) => writeRealKubeconfig(dir, name, server, pki.ca.cert, pair);
    const [kubeconfigPath, cmKubeconfig, schedulerKubeconfig, kwokKubeconfig] = await Promise.all([
      kubeconfig('admin', pki.admin), kubeconfig('kube-controller-manager', pki.controllerManager), kubeconfig('kube-scheduler', pki.scheduler), kubeconfig('kwok', pki.kwok),
    ]);

    const controllerManager = await start('kube-controller-manager', 'kube-controller-manager', [
      `--kubeconfig=${cmKubeconfig}`, `--authentication-kubeconfig=${cmKubeconfig}`, `--authorization-kubeconfig=${cmKubeconfig}`,
      '--bind-address=127.0.0.1', `--secure-port=${cmPort}`, `--cert-dir=${join(dir, 'controller-manager-certs')}`,
      '--leader-elect=false',
      // Each controller acts as its own ServiceAccount, as in a kubeadm cluster, so RBAC applies to them too.
      '--use-service-account-credentials=true',
      `--service-account-private-key-file=${pki.serviceAccount.key}`, `--root-ca-file=${pki.ca.cert}`,
      `--cluster-signing-cert-file=${pki.ca.cert}`, `--cluster-signing-key-file=${pki.ca.key}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      '--profiling=false',
    ]);
    const scheduler = await start('kube-scheduler', 'kube-scheduler', [
      `--kubeconfig=${schedulerKubeconfig}`, `--authentication-kubeconfig=${schedulerKubeconfig}`, `--authorization-kubeconfig=${schedulerKubeconfig}`,
      '--bind-address=127.0.0.1', `--secure-port=${schedulerPort}`, `--cert-dir=${join(dir, 'scheduler-certs')}`,
      '--leader-elect=false', '--profiling=false',
    ]);

    // While the controllers start: the Nodes and namespaces, the CRDs and kwok's Stages. The Nodes
    // first: the node-lifecycle controller lifts their not-ready taint only seconds after it has
    // seen them Ready. Istio's 15 CRDs take seconds to be Established; kwok needs only its own.
    const nodeNames = Array.from({ length: options.nodes ?? 2 }, (_, i) => `kwok-node-${i}`);
    for (const name of nodeNames) await expectOk(api.apply(fakeNode(name)), `node ${name}`);
    for (const ns of options.namespaces ?? []) {
      await expectOk(api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }), `namespace ${ns}`);
    }
    const istioCrds = crdsPath ? applyCrds(api, crdsPath, "Istio's CRDs") : Promise.resolve();
    istioCrds.catch(() => {}); // awaited below; this only keeps an early failure from being unhandled
    await applyCrds(api, kwokCrdsPath, "kwok's Stage CRD");
    const stages = kwokStages({ podReadyDelayMs: options.podReadyDelayMs ?? 500, podTerminationDelayMs: options.podTerminationDelayMs ?? 500 });
    await Promise.all(stages.map((stage) => expectOk(api.apply(stage), `Stage ${stage.metadata.name}`)));
    log(`kwok's Stages applied after ${since()}`);
    // HOME: kwok reads ~/.kwok/kwok.yaml; a developer's own configuration must not leak in.
    const kwok = await start('kwok', 'kwok', kwokArgs(kwokKubeconfig), { HOME: join(dir, 'kwok-home') });
    await istioCrds;
    log(`Istio's CRDs established after ${since()}`);

    const running = () => [controllerManager, scheduler, kwok].forEach(failIfExited);
    await waitFor(async () => (running(), healthy(`https://127.0.0.1:${cmPort}/healthz`)), 60_000, () => 'kube-controller-manager did not get healthy');
    await waitFor(async () => (running(), healthy(`https://127.0.0.1:${schedulerPort}/healthz`)), 60_000, () => 'kube-scheduler did not get healthy');
    await waitFor(async () => {
      running();
      const nodes = (await api.call('GET', `/api/v1/nodes?labelSelector=type%3Dkwok`)).body?.items ?? [];
      // Ready, and the node-lifecycle controller has seen it: it lifts the not-ready taint, which
      // would otherwise keep the first pods Pending for up to its 5 s monitor period.
      const usable = (node: any) =>
        node.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True') &&
        !(node.spec?.taints ?? []).some((t: any) => t.key === 'node.kubernetes.io/not-ready');
      return nodeNames.every((n) => nodes.some((node: any) => node.metadata.name === n && usable(node)));
    }, 60_000, () => `kwok did not make the Nodes ${nodeNames.join(', ')} Ready (or the controller-manager did not lift their not-ready taint)`);
    log(`Nodes ready after ${since()}`);
    // Pods need their namespace's `default` ServiceAccount (the ServiceAccount admission plugin):
    // the controller-manager makes it; waiting here spares the first rollout a failed ReplicaSet sync.
    for (const ns of ['default', ...(options.namespaces ?? [])]) {
      await waitFor(async () => (running(), (await api.call('GET', `/api/v1/namespaces/${ns}/serviceaccounts/default`)).status === 200), 60_000, () => `no default ServiceAccount in ${ns}`);
    }
    const startupMs = Date.now() - started;
    log(`control plane ready after ${since()}`);
    return { kubeconfigPath, server, dir, pki, api, startupMs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function expectOk(response: Promise<{ status: number; text: string }>, what: string): Promise<void> {
  const res = await response;
  if (res.status >= 300) throw new Error(`could not apply ${what}: HTTP ${res.status} ${res.text}`);
}

/** applyCrds applies every CustomResourceDefinition in `path` (`what` names them in errors) and waits until each is Established. */
async function applyCrds(api: ApiClient, path: string, what: string): Promise<void> {
  const crds = YAML.parseAllDocuments(await readFile(path, 'utf8'))
    .map((d) => d.toJS() as Record<string, any> | null)
    .filter((d): d is Record<string, any> => d?.kind === 'CustomResourceDefinition');
  if (crds.length === 0) throw new Error(`no CustomResourceDefinition in ${path}`);
  await Promise.all(crds.map((crd) => expectOk(api.apply(crd), `CRD ${crd.metadata.name}`)));
  await waitFor(async () => {
    for (const crd of crds) {
      const res = await api.call('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`);
      if (!res.body?.status?.conditions?.some((c: any) => c.type === 'Established' && c.status === 'True')) return false;
    }
    return true;
  }, 30_000, () => `${what} were not established`);
}
