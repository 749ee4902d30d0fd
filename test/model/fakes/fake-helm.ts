// The HelmReleases port over the fake cluster. An upgrade applies its values to the cluster at
// once (helm applies everything first) and, when the argv asks for --wait, then lets fake time
// pass until every Deployment of the release has settled or the --timeout is over, as helm's
// waiter does: it waits for all of them, not only the one a step changed. Each upgrade stores a
// revision (deployed / superseded / failed / pending-*) with its values. Faults: an error before
// applying, an error after applying (values in the cluster, revision failed), a wait that times
// out, and a kill that leaves the revision pending.
import { DEFAULT_VALUE_PATHS, readChartValues, type StageValues } from '../../../src/engine/index.js';
import { HelmError } from '../../../src/helm/helm-error.js';
import { helmRefusalOf } from '../../../src/helm/helm-refusals.js';
import type { HelmReleases, HelmReleaseStatus, HelmRevisionValues, UpgradeOptions } from '../../../src/rollout/ports.js';
import { Killed } from './faults.js';
import type { World } from './world.js';

/** Revision is one stored helm revision: the values file it was given and what they mean. */
export interface Revision {
  revision: number;
  status: 'deployed' | 'superseded' | 'failed' | 'pending-install' | 'pending-upgrade' | 'pending-rollback';
  chartValues: unknown;
  values: StageValues;
  /** What `helm history` shows: the --description given, or helm's own text. */
  description: string;
}

const PENDING = ['pending-install', 'pending-upgrade', 'pending-rollback'];

/** parseDuration reads a Go duration such as "5m", "300s" or "1m30s" into milliseconds. */
export function parseDuration(text: string): number | undefined {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let matched = '';
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(m[1]) * units[m[2]!]!;
    matched += m[0];
  }
  return matched === text && matched !== '' ? total : undefined;
}

// waits tells whether an argv asks helm to wait for readiness (helm 4's --wait=hookOnly does not).
function waits(argv: string[]): boolean {
  return argv.some((a) => a === '--wait' || (a.startsWith('--wait=') && a !== '--wait=hookOnly' && a !== '--wait=false'));
}

/** releaseManifest is the rendered manifest of the reference chart's objects for `release`. */
export function releaseManifest(release: string): string {
  const deployment = (role: string, canary: boolean) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${release}-${role}
spec:
  template:
    metadata:
      labels:
        app: ${release}
        canary: "${canary}"
`;
  return `${deployment('production', false)}---
${deployment('canary', true)}---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ${release}
spec:
  host: ${release}
  subsets:
    - name: production
      labels:
        canary: "false"
    - name: canary
      labels:
        canary: "true"
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${release}
spec:
  hosts: [${release}]
  http:
    - route:
        - destination: { host: ${release}, subset: production }
        - destination: { host: ${release}, subset: canary }
`;
}

/** FakeHelm is one release's helm history over the fake cluster. */
export class FakeHelm implements HelmReleases {
  /** Every revision, oldest first. */
  readonly history: Revision[] = [];

  constructor(private readonly world: World) {}

  /** latest is the newest revision, read without a port call (for the model's checks). */
  latest(): Revision | undefined {
    return this.history.at(-1);
  }

  async upgrade(argv: string[], _options?: UpgradeOptions): Promise<void> {
    const { landKill } = this.world.enter('helm.upgrade', true);
    const c = this.world.command;
    const nth = c?.portCalls['helm.upgrade'];
    const fault = c?.fault?.kind === 'helm-error' && c.faultStruck === undefined && c.fault.atUpgrade === nth ? c.fault : undefined;
    const latest = this.latest();
    if (latest && PENDING.includes(latest.status)) {
      throw this.error(argv, 'Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress');
    }
    const valuesAt = argv.lastIndexOf('--values');
    const file = valuesAt >= 0 ? argv[valuesAt + 1] : undefined;
    const chartValues = file === undefined ? undefined : this.world.valuesFiles.read(file);
    if (chartValues === undefined) throw this.error(argv, `Error: open ${file ?? '(no --values)'}: no such file or directory`);
    const read = readChartValues(chartValues, DEFAULT_VALUE_PATHS);
    if ('missing' in read) throw this.error(argv, `Error: execution error at (canary-app/templates/deployment.yaml:1:1): missing ${read.missing.join(', ')}`);
    const values = read.values;
    if (values.production.weight + values.canary.weight !== 100) {
      // The reference chart fails the render, as Istio would refuse the route.
      throw this.error(argv, `Error: execution error at (canary-app/templates/virtualservice.yaml:2:4): productionDeployment.weight (${values.production.weight}) + canaryDeployment.weight (${values.canary.weight}) must be 100`);
    }
    if (fault?.when === 'before-apply') {
      c!.faultStruck = `helm upgrade ${nth} failed before applying`;
      throw this.error(argv, 'Error: UPGRADE FAILED: Internal error occurred: failed calling webhook "validation.istio.io": connection refused (injected)');
    }
    this.world.hooks.beforeApply?.(values, 'upgrade');
    const described = argv.indexOf('--description');
    const rev = this.push(chartValues, values, latest ? 'pending-upgrade' : 'pending-install', described >= 0 ? argv[described + 1]! : latest ? 'Upgrade complete' : 'Install complete');
    this.world.cluster.apply(values, { plainUpdate: c?.name === 'deploy' });
    if (landKill) {
      // The process died with helm mid-flight; helm died with it and the revision stays pending.
      this.world.die('helm.upgrade (landed)');
      throw new Killed('helm.upgrade (landed)');
    }
    const timeoutAt = argv.indexOf('--timeout');
    const timeoutMs = (timeoutAt >= 0 ? parseDuration(argv[timeoutAt + 1] ?? '') : undefined) ?? this.world.config.helmTimeoutMs;
    if (fault?.when === 'after-apply') {
      c!.faultStruck = `helm upgrade ${nth} failed after applying`;
      rev.status = 'failed';
      throw this.error(argv, 'Error: UPGRADE FAILED: post-upgrade hooks failed: job smoke-test failed: BackoffLimitExceeded (injected)');
    }
    if (fault?.when === 'wait-timeout') {
      c!.faultStruck = `helm upgrade ${nth} timed out waiting`;
      this.world.advance(timeoutMs);
      rev.status = 'failed';
      throw this.error(argv, 'Error: UPGRADE FAILED: context deadline exceeded (injected)');
    }
    if (waits(argv) && !this.world.advanceUntil(() => this.world.cluster.releaseSettled(), this.world.time + timeoutMs)) {
      rev.status = 'failed';
      throw this.error(argv, `Error: UPGRADE FAILED: ${this.unsettled()}: context deadline exceeded`);
    }
    this.markDeployed(rev);
  }

  async values(): Promise<unknown | undefined> {
    this.world.enter('helm.values', false);
    const latest = this.latest();
    return latest && structuredClone(latest.chartValues);
  }

  async manifest(): Promise<string> {
    this.world.enter('helm.manifest', false);
    if (!this.latest()) throw this.error(['get', 'manifest', this.world.config.release], 'Error: release: not found');
    return releaseManifest(this.world.config.release);
  }

  async status(): Promise<HelmReleaseStatus | undefined> {
    this.world.enter('helm.status', false);
    const latest = this.latest();
    return latest && { status: latest.status, revision: latest.revision };
  }

  async lastDeployedRevision(): Promise<number | undefined> {
    this.world.enter('helm.history', false);
    return this.history.filter((r) => r.status === 'deployed' || r.status === 'superseded').at(-1)?.revision;
  }

  async revisions(): Promise<HelmRevisionValues[]> {
    this.world.enter('helm.history', false);
    return [...this.history].reverse().map((r) => ({ revision: r.revision, status: r.status, values: structuredClone(r.chartValues), description: r.description }));
  }

  /** rollbackTo is `helm rollback REVISION --wait --timeout` (the adapter always passes both). */
  async rollbackTo(revision: number): Promise<void> {
    const { landKill } = this.world.enter('helm.rollback', true);
    const argv = ['rollback', this.world.config.release, String(revision), '--timeout', `${this.world.config.helmTimeoutMs / 1000}s`];
    const target = this.history.find((r) => r.revision === revision);
    if (!target) throw this.error(argv, `Error: release has no ${revision} version`);
    this.world.hooks.beforeApply?.(target.values, 'rollback');
    const previous = this.latest();
    const rev = this.push(target.chartValues, target.values, 'pending-rollback', `Rollback to ${revision}`);
    this.world.cluster.apply(target.values);
    if (landKill) {
      this.world.die('helm.rollback (landed)');
      throw new Killed('helm.rollback (landed)');
    }
    // helm's rollback leaves the revision it replaced superseded, whatever it was.
    if (previous) previous.status = 'superseded';
    // The runner's helm rollback has no --wait (helm's wait covers every workload, a crash-looping
    // one included); an argv that asks for it waits as helm would.
    if (argv.includes('--wait') && !this.world.advanceUntil(() => this.world.cluster.releaseSettled(), this.world.time + this.world.config.helmTimeoutMs)) {
      rev.status = 'failed';
      throw this.error(argv, `Error: ${this.unsettled()}: context deadline exceeded`);
    }
    this.markDeployed(rev);
  }

  private push(chartValues: unknown, values: StageValues, status: Revision['status'], description: string): Revision {
    const rev: Revision = { revision: (this.latest()?.revision ?? 0) + 1, status, chartValues: structuredClone(chartValues), values: structuredClone(values), description };
    this.history.push(rev);
    return rev;
  }

  private markDeployed(rev: Revision): void {
    for (const r of this.history) if (r.status === 'deployed') r.status = 'superseded';
    rev.status = 'deployed';
  }

  // unsettled names the Deployments helm's waiter would report as not ready.
  private unsettled(): string {
    const { namespace } = this.world.config;
    const cluster = this.world.cluster;
    return (['production', 'canary'] as const)
      .filter((r) => !cluster.settled(r))
      .map((r) => `resource Deployment/${namespace}/${cluster.deployments[r]?.name} not ready. status: InProgress, message: ${cluster.readyCurrent(r)}/${cluster.deployments[r]?.replicas} ready`)
      .join('\n');
  }

  // error builds what the helm adapter throws: a HelmError, or helm's typed refusal it maps to.
  private error(argv: string[], stderr: string): Error {
    const err = new HelmError({ binary: 'helm', command: argv, exitCode: 1, stderr, timedOut: false });
    return helmRefusalOf(err) ?? err;
  }
}
