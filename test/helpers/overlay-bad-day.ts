// What test/e2e/overlay-failures.test.ts needs around an overlay release on a bad day: helm
// create's chart on its own cluster, a watch on the routing that records any moment traffic is
// sent to a subset with no ready pod, production's pod identities, and a CLI run killed (SIGKILL)
// at a seam: the moment a new helm revision of the release is deployed.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { createAnyChart, type AnyChart, type AnyChartObjects } from './any-charts.js';
import { givenCluster, type Env, type HelmMajor } from './e2e.js';
import { cliPath, type CliResult } from './run-cli.js';

/** RELEASE is the release every bad-day scenario installs. */
export const RELEASE = 'web';

/** LOCK_TTL is the lease time of the runs of a scenario that kills one, so the next run takes the lease over within seconds. */
export const LOCK_TTL = { HELM_CANARY_LOCK_TTL_SECONDS: '2' };

/** OverlayWorld is one cluster with helm create's chart configured in overlay mode. */
export interface OverlayWorld {
  env: Env;
  chart: AnyChart;
  names: AnyChartObjects & { canary: string };
  stop(): Promise<void>;
}

/**
 * givenOverlayWorld generates helm create's chart with `helm` and configures it in overlay mode on
 * a new cluster. replicaCount 2 in the team's values: production runs 2 (canary.yaml's replicas),
 * so detach's chart alone keeps them.
 */
export async function givenOverlayWorld(helm: HelmMajor, config: Record<string, unknown> = {}): Promise<OverlayWorld> {
  const chart = await createAnyChart('scaffold', helm, { name: RELEASE });
  const objects = chart.objects(RELEASE);
  const canary = `${objects.deployment}-canary`;
  try {
    const env = await givenCluster(helm, {
      release: RELEASE,
      objects: { production: objects.deployment, canary, virtualService: objects.service },
      config: { chart: chart.dir, valuesFiles: [await chart.writeValues(RELEASE, { replicaCount: 2 })], mode: 'overlay', ...config },
    });
    await env.grantChartRbac();
    return {
      env, chart, names: { ...objects, canary },
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

/** ok runs the CLI and fails the test unless it exits 0; returns the run. */
export async function ok(env: Env, args: string[], extraEnv?: Record<string, string>): Promise<CliResult> {
  const r = await env.cli(args, extraEnv);
  assert.equal(r.exitCode, 0, `helm-canary ${args.join(' ')}: ${r.stderr}\n${r.stdout}`);
  return r;
}

/** afterLease runs the CLI again while a killed run's lease has not expired yet (exit 4, "locked by"), up to ~10 s. */
export async function afterLease(env: Env, args: string[]): Promise<CliResult> {
  let r = await env.cli(args, LOCK_TTL);
  for (let i = 0; i < 40 && r.exitCode === 4 && /locked by/.test(r.stderr); i++) {
    await sleep(250);
    r = await env.cli(args, LOCK_TTL);
  }
  return r;
}

/** productionPods are the uids of the live pods production's selector selects (canary pods lack one of its keys). */
export async function productionPods(world: OverlayWorld): Promise<string[]> {
  const { env, chart } = world;
  const selector = Object.entries(chart.selectorLabels(RELEASE)).map(([k, v]) => `${k}=${v}`).join(',');
  const res = await env.api.call('GET', `/api/v1/namespaces/${env.namespace}/pods?labelSelector=${encodeURIComponent(selector)}`);
  assert.equal(res.status, 200, res.text);
  return (res.body.items as any[]).filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.uid as string).sort();
}

/** serviceSelector is the Service's selector as the cluster has it. */
export async function serviceSelector(world: OverlayWorld): Promise<Record<string, string>> {
  const res = await world.env.api.call('GET', `/api/v1/namespaces/${world.env.namespace}/services/${world.names.service}`);
  assert.equal(res.status, 200, res.text);
  return res.body.spec.selector;
}

/** Routes are the VirtualService's first HTTP route as `subset weight` pairs; [] when there is no VirtualService. */
export async function routes(world: OverlayWorld): Promise<{ subset?: string; weight: number }[]> {
  const vs = await world.env.get('virtualService', world.names.service);
  const list = (vs?.spec?.http?.[0]?.route ?? []) as any[];
  return list.map((r) => ({ subset: r.destination?.subset, weight: r.weight ?? (list.length === 1 ? 100 : 0) }));
}

/** RoutingWatch samples the routing until stopped. */
export interface RoutingWatch {
  /** stop ends the sampling (again: no-op) and returns the samples that sent traffic to a subset with no ready pod. */
  stop(): Promise<string[]>;
}

/**
 * watchRouting samples, every ~50 ms, the subset's Deployment, the VirtualService, and the
 * Deployment again; a subset with weight > 0 whose Deployment had no ready pod at both reads is a
 * violation. Reading the Deployment on both sides of the VirtualService keeps make-before-break
 * (ready, then routed) and break-before-make (unrouted, then scaled down) from looking like one.
 */
export function watchRouting(world: OverlayWorld, t: { after(fn: () => unknown): void }): RoutingWatch {
  const { env, names } = world;
  const deployment = { production: names.deployment, canary: names.canary } as Record<string, string>;
  const ready = async () => {
    const [p, c] = await Promise.all([env.get('deployment', names.deployment), env.get('deployment', names.canary)]);
    return { [deployment.production!]: p?.status?.readyReplicas ?? 0, [deployment.canary!]: c?.status?.readyReplicas ?? 0 } as Record<string, number>;
  };
  const violations: string[] = [];
  let stopped = false;
  let samples = 0;
  const loop = (async () => {
    while (!stopped) {
      try {
        const before = await ready();
        const now = await routes(world);
        const afterwards = await ready();
        samples++;
        for (const r of now) {
          if (r.weight <= 0 || r.subset === undefined) continue;
          const name = deployment[r.subset];
          if (!name) {
            violations.push(`weight ${r.weight} to unknown subset ${r.subset}`);
            continue;
          }
          if (!before[name] && !afterwards[name]) violations.push(`${new Date().toISOString()}: ${r.weight} % to subset ${r.subset}, whose Deployment ${name} has no ready pod`);
        }
      } catch {
        // An API read failing (a cluster stopping) is no routing fact.
      }
      await sleep(50);
    }
  })();
  const stop = async () => {
    stopped = true;
    await loop;
    assert.ok(samples > 0, 'the routing watch took no sample');
    return violations;
  };
  // A test that fails before stopping it must not leave it polling (the process would never end).
  t.after(() => {
    stopped = true;
    return loop;
  });
  return { stop };
}

/** latestRevision is the release's newest helm revision and its status, read from helm's release Secrets. */
export async function latestRevision(env: Env): Promise<{ version: number; status: string } | undefined> {
  const secrets = await env.list('secret', `owner=helm,name=${RELEASE}`);
  const all = secrets.map((s) => ({ version: Number(s.metadata.labels.version), status: String(s.metadata.labels.status) }));
  return all.sort((a, b) => b.version - a.version)[0];
}

/**
 * killAfterRevision runs the built CLI with `args` and SIGKILLs it the moment helm revision
 * `revision` of the release is deployed: between that apply and the next, whatever the run was
 * waiting for. Returns how the run ended (killed, or exited first: then the seam was missed).
 */
export async function killAfterRevision(env: Env, args: string[], revision: number): Promise<{ killed: boolean; stderr: string }> {
  const child = execa(process.execPath, [cliPath, ...args], { cwd: env.dir, env: { ...env.env, ...LOCK_TTL }, reject: false });
  let exited = false;
  void child.then(() => (exited = true));
  for (let i = 0; i < 1200 && !exited; i++) {
    const latest = await latestRevision(env);
    if (latest && latest.version >= revision && latest.status === 'deployed') break;
    await sleep(25);
  }
  const killed = !exited && child.kill('SIGKILL');
  const result = await child;
  return { killed: killed && result.signal === 'SIGKILL', stderr: String(result.stderr) };
}

/** helmValues are the values of the release's latest revision (`helm get values -o json`). */
export async function helmValues(env: Env): Promise<Record<string, any>> {
  const r = await execa(env.env.HELM_BIN!, ['get', 'values', RELEASE, '-n', env.namespace, '-o', 'json'], { env: env.env, reject: false });
  assert.equal(r.exitCode, 0, r.stderr);
  return JSON.parse(r.stdout) ?? {};
}

/** plainInstall installs the chart alone at `tag` with 2 replicas, as a team did before helm-canary. */
export async function plainInstall(world: OverlayWorld, tag: string): Promise<void> {
  const { env, chart } = world;
  const r = await execa(env.env.HELM_BIN!, [
    'upgrade', '--install', RELEASE, chart.dir, '-n', env.namespace, '-f', await chart.writeValues(RELEASE),
    '--set', `image.tag=${tag}`, '--set', 'replicaCount=2', '--wait', '--timeout', '60s',
  ], { env: env.env, reject: false });
  assert.equal(r.exitCode, 0, `plain helm upgrade --install: ${r.stderr}`);
}
