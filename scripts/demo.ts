// npm run demo: a newcomer's tour with no cluster of their own. Starts the simulated cluster,
// installs charts/canary-app with helm-canary, runs all seven stages with the real helm binary,
// and after each stage shows how the traffic of a steady load actually split.
// Options: --helm3 (default helm 4), --rollback-at N (roll back at stage N instead of finishing),
// --real (the real control plane of `npm run control-plane:build` instead of the simulator; the
// same traffic model then reads pods, endpoints and Istio objects through watches on it).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { startCluster } from '../sim/cluster.js';
import type { Traffic } from '../sim/mesh/index.js';
import { setupHelm } from './setup-helm.mjs';

const root = resolve(import.meta.dirname ?? '.', '..');
const args = process.argv.slice(2);
const helmMajor = args.includes('--helm3') ? 3 : 4;
const rollbackAt = args.includes('--rollback-at') ? Number(args[args.indexOf('--rollback-at') + 1]) : undefined;

const helm = (await setupHelm())[helmMajor];
const real = args.includes('--real');

/** DemoCluster is what the tour needs of a cluster: where it is, its traffic model, and a way to stop it. */
interface DemoCluster {
  url: string;
  kubeconfigPath: string;
  traffic: Traffic;
  stop(): Promise<void>;
}

async function startDemoCluster(): Promise<DemoCluster> {
  if (!real) {
    const sim = await startCluster({ namespaces: ['bookinfo'], podReadyDelayMs: 400, meshPropagationDelayMs: 200, trafficSeed: 7 });
    return { url: sim.url, kubeconfigPath: sim.kubeconfigPath, traffic: sim.traffic as Traffic, stop: () => sim.stop() };
  }
  // Loaded only with --real: the launcher and the mesh over an API server.
  const { startRealCluster } = await import('../test/control-plane/launch.js');
  const { createTrafficOverApi } = await import('../sim/mesh/index.js');
  console.log('Starting the real control plane (etcd, kube-apiserver, controller-manager, scheduler, kwok) ...');
  const plane = await startRealCluster({ namespaces: ['bookinfo'], podReadyDelayMs: 400 });
  const overApi = await createTrafficOverApi({ kubeconfig: plane.kubeconfigPath, namespace: 'bookinfo', meshPropagationDelayMs: 200, seed: 7 });
  return {
    url: plane.server,
    kubeconfigPath: plane.kubeconfigPath,
    traffic: overApi,
    async stop() {
      overApi.stop();
      await plane.stop();
    },
  };
}

const cluster = await startDemoCluster();
const traffic = cluster.traffic;
const dir = mkdtempSync(join(tmpdir(), 'helm-canary-demo-'));
writeFileSync(join(dir, 'canary.yaml'), stringify({
  release: 'productpage',
  namespace: 'bookinfo',
  chart: join(root, 'charts', 'canary-app'),
  image: { repository: 'myacr.azurecr.io/bookinfo/productpage' },
  replicas: 2,
  drainSeconds: 1,
}));
const env = { KUBECONFIG: cluster.kubeconfigPath, HOME: dir, HELM_CACHE_HOME: join(dir, '.helm'), HELM_CONFIG_HOME: join(dir, '.helm'), HELM_DATA_HOME: join(dir, '.helm'), HELM_BIN: helm, CI: 'true' };

async function tool(...argv: string[]): Promise<void> {
  console.log(`\n$ helm-canary ${argv.join(' ')}`);
  const r = await execa(process.execPath, [join(root, 'dist', 'bin', 'helm-canary.mjs'), ...argv], { cwd: dir, env, stdout: 'inherit', stderr: 'inherit', reject: false });
  if (r.exitCode !== 0) throw new Error(`helm-canary ${argv.join(' ')} exited ${r.exitCode}`);
}

// The load starts once the release exists: the mesh routes to the VirtualService's host.
let load: ReturnType<Traffic['startLoad']>;
let lastShown = 0;
async function showSplit(): Promise<void> {
  const during = load.since(lastShown);
  const from = Date.now();
  await sleep(1500);
  const c = load.since(from);
  lastShown = Date.now();
  const versions = Object.entries(c.byVersion).map(([v, n]) => `${v}: ${n} (${((100 * n) / c.total).toFixed(1)} %)`).join(', ');
  const failures = (x: typeof c) => (x.failed ? `${x.failed} (${Object.entries(x.failures).map(([r, n]) => `${r}: ${n}`).join(', ')})` : '0');
  console.log(`  while the command ran: ${during.total} requests, failed ${failures(during)}`);
  console.log(`  traffic over the next 1.5 s: ${c.total} requests -> ${versions || 'none answered'}; failed ${failures(c)}`);
}

try {
  console.log(`${real ? 'Real control plane' : 'Simulated cluster'} at ${cluster.url} (helm ${helmMajor}); a steady load of 200 requests/s runs throughout.`);
  await tool('plan', '--stable-tag', '83', '--new-tag', '84');
  await tool('deploy', '--tag', '83');
  // Wait until Envoy has the new route and endpoints (propagation delay) before measuring.
  await sleep(500);
  load = traffic.startLoad({ ratePerSecond: 200, durationMs: 10 * 60_000 });
  lastShown = Date.now();
  await showSplit();
  await tool('start', '--new-tag', '84');
  await showSplit();
  for (let stage = 3; stage <= 7; stage++) {
    if (stage === rollbackAt) {
      await tool('rollback');
      await showSplit();
      break;
    }
    await tool('promote');
    await showSplit();
  }
  const total = load.stop();
  console.log(`\nDone: ${total.total} requests during the whole release, ${total.failed} failed.`);
} finally {
  load!?.stop();
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
