// What test/safety/failures-under-load.test.ts needs around a cluster with load (the simulator, or
// E2E_KUBECONFIG's API server): timed CLI runs, a watch on every write of the VirtualService and
// the rollout record (so a weight that was given and taken back between two looks is still seen),
// a rollback repeated until the cluster is stable again (the number of runs a user needs), checks
// that are all evaluated before the test fails (so one run reports every broken promise), and a
// JSON-lines report of the numbers (HELM_CANARY_FAILURES_REPORT=<file>), from which
// BENCHMARKS.md's "failures" table is made.
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig, Watch as KubeWatch } from '@kubernetes/client-node';
import { execa, type ResultPromise } from 'execa';
import type { LoadGenerator, TrafficCounts } from '../../sim/mesh/index.js';
import type { ApiClient } from '../control-plane/launch-api.js';
import { cliPath } from '../helpers/run-cli.js';
import { stageShape, type Env, type HelmMajor, type Resource } from '../helpers/e2e.js';
import { e2eKubeconfig } from '../helpers/e2e-target.js';

export const RATE = 200; // requests per second
export const PROPAGATION_MS = 300;
/** HELM_TIMEOUT_S is helm's --timeout for every apply: a wait that cannot succeed costs this much. */
export const HELM_TIMEOUT_S = 8;
/**
 * ROLLBACK_TIMEOUT_S is the --timeout every `rollback` runs with. A rollback from stage 6 or 7 is
 * five applies and two drains, over 8 s on a busy machine, so it gets a long timeout: one that
 * waits for a Deployment it does not touch (a crash-looping one) runs into it and fails, one that
 * waits only for what it changes finishes well under it.
 */
export const ROLLBACK_TIMEOUT_S = 60;
export const CLUSTER = { podReadyDelayMs: 400, podTerminationDelayMs: 200, meshPropagationDelayMs: PROPAGATION_MS, trafficSeed: 20240607 };
export const CONFIG = { drainSeconds: 1, helm: { timeout: `${HELM_TIMEOUT_S}s` } };
export const STABLE = 'P 1.0/2/100 C 1.0/0/0';
/** A killed run's lease lapses after this long instead of a minute. */
export const SHORT_LEASE = { HELM_CANARY_LOCK_TTL_SECONDS: '2' };

export function describeCounts(c: TrafficCounts): string {
  const reasons = Object.entries(c.failures).map(([r, n]) => `${r}: ${n}`).join(', ');
  const versions = Object.entries(c.byVersion).map(([v, n]) => `${v}: ${n}`).join(', ');
  return `${c.total} requests, ${c.failed} failed${reasons ? ` (${reasons})` : ''}${versions ? `; served by ${versions}` : ''}`;
}

/** Run is one finished CLI run with its timing. */
export interface Run {
  args: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  startedAt: number;
  endedAt: number;
  seconds: number;
}

/** summary is a run in one line: its command, exit code, time and the gist of what it said on stderr. */
export function summary(r: Run): string {
  const lines = r.stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const said = lines.find((l) => /^error/i.test(l)) ?? lines.at(-1);
  const gist = said && said.length > 300 ? `${said.slice(0, 300)}...` : said;
  return `\`${r.args.join(' ')}\` exit ${r.exitCode} in ${r.seconds.toFixed(1)} s${gist ? `: ${gist}` : ''}`;
}

/** brief is a run's command, exit code and time. */
export function brief(r: Run): string {
  return `\`${r.args.join(' ')}\` exit ${r.exitCode} in ${r.seconds.toFixed(1)} s`;
}

/** timed runs the CLI to its end. */
export async function timed(env: Env, args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  const startedAt = Date.now();
  const r = await env.cli(args, extraEnv);
  const endedAt = Date.now();
  const run = { args, ...r, startedAt, endedAt, seconds: (endedAt - startedAt) / 1000 };
  if (process.env.HELM_CANARY_FAILURES_DEBUG) console.log(`# ${env.release}@${env.sim?.url ?? env.namespace} ${new Date(startedAt).toISOString()} ${brief(run)}\n${r.stdout}\n${r.stderr}`.replace(/\n/g, '\n#   '));
  return run;
}

/** ok runs the CLI and requires exit 0: for the steps that set a scenario up. */
export async function ok(env: Env, args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  const r = await timed(env, args, extraEnv);
  assert.equal(r.exitCode, 0, `setup: helm-canary ${args.join(' ')}: ${r.stderr}`);
  return r;
}

/** spawnCli starts the CLI without waiting for it (to interrupt or kill it). */
export function spawnCli(env: Env, args: string[], extraEnv: Record<string, string> = {}): ResultPromise {
  return execa(process.execPath, [cliPath, ...args], { cwd: env.dir, env: { ...env.env, ...extraEnv }, reject: false, stdin: 'ignore' });
}

/** startLoad waits until the installed route reached Envoy, then sends RATE requests per second. */
export async function startLoad(env: Env): Promise<LoadGenerator> {
  // On the simulator CLUSTER already carries these; on an API server they make the model over its watches.
  const traffic = await env.world.traffic({ meshPropagationDelayMs: PROPAGATION_MS, seed: CLUSTER.trafficSeed });
  await sleep(PROPAGATION_MS + 200);
  return traffic.startLoad({ ratePerSecond: RATE, durationMs: 15 * 60_000 });
}

/**
 * ObjectWrites hands `onWrite` every version of one object (by name) of a namespaced collection:
 * the listed one, then each write through a watch from the list's resourceVersion. A watch the
 * server ends is resumed from the last resourceVersion seen, which replays the writes made
 * meanwhile (on an API server and on the simulator alike); when the server no longer has them
 * (410 Gone), writes may have been lost and `broken` says so instead of relisting.
 */
class ObjectWrites {
  /** The resourceVersion of the object's last version seen; undefined while it does not exist. */
  current: string | undefined;
  /** Why the writes seen may be incomplete. */
  broken: string | undefined;
  private lastVersion = '';
  private abort: AbortController | undefined;
  private stopped = false;
  private failures = 0;

  constructor(
    private readonly kc: KubeConfig,
    private readonly api: ApiClient,
    readonly path: string,
    readonly name: string,
    private readonly onWrite: (object: any) => void,
  ) {}

  async start(): Promise<void> {
    const res = await this.api.call('GET', this.path);
    if (res.status !== 200) throw new Error(`LIST ${this.path}: HTTP ${res.status} ${res.text}`);
    for (const item of res.body.items ?? []) {
      if (item.metadata?.name !== this.name) continue;
      this.current = item.metadata.resourceVersion;
      this.onWrite(item);
    }
    this.lastVersion = res.body.metadata.resourceVersion;
    await this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
    this.abort = undefined;
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.broken) return;
    let ended = false;
    const done = (err: unknown) => {
      if (ended) return;
      ended = true;
      this.abort = undefined;
      if (this.stopped || this.broken) return;
      if (err && ++this.failures > 20) {
        this.broken = `the watch of ${this.path} failed 20 times in a row, last: ${String(err)}`;
        return;
      }
      setTimeout(() => void this.connect(), err ? 250 : 0).unref();
    };
    const onEvent = (type: string, object: any) => {
      if (type === 'ERROR') {
        this.broken = `the watch of ${this.path} from resourceVersion ${this.lastVersion} ended: ${object?.code} ${object?.message}`;
        this.abort?.abort();
        return;
      }
      this.failures = 0;
      const version = object?.metadata?.resourceVersion;
      if (version) this.lastVersion = version;
      if (type === 'BOOKMARK' || object?.metadata?.name !== this.name) return;
      if (type === 'DELETED') {
        this.current = undefined;
        return;
      }
      this.current = version;
      this.onWrite(object);
    };
    try {
      const abort = await new KubeWatch(this.kc).watch(this.path, { resourceVersion: this.lastVersion, allowWatchBookmarks: true }, onEvent, done);
      if (this.stopped || ended) abort.abort();
      else this.abort = abort;
    } catch (err) {
      done(err);
    }
  }
}

/**
 * Watch sees every write of the release's VirtualService and rollout record from `since()` on:
 * the highest weight each subset was given and the highest stage the record claimed. It watches
 * the API server, so writes arrive a moment after they are made: read it after `caughtUp()`.
 */
export class Watch {
  maxWeight = { production: 0, canary: 0 };
  maxRecordedStage = 0;
  phases: string[] = [];
  private writes: { resource: Resource; watch: ObjectWrites }[] = [];
  constructor(private readonly env: Env) {}

  /** since forgets what was seen so far and starts from the cluster's current weights and record. */
  async since(): Promise<this> {
    this.close();
    this.maxWeight = { production: 0, canary: 0 };
    this.maxRecordedStage = 0;
    this.phases = [];
    const { env } = this;
    // The tests' own identity (the tool's ServiceAccount may not watch everything).
    const kc = new KubeConfig();
    kc.loadFromFile(e2eKubeconfig ?? env.world.kubeconfigPath);
    const ns = `namespaces/${env.namespace}`;
    this.writes = [
      { resource: 'virtualService', watch: new ObjectWrites(kc, env.api, `/apis/networking.istio.io/v1/${ns}/virtualservices`, env.release, (vs) => this.sawRoute(vs)) },
      { resource: 'configMap', watch: new ObjectWrites(kc, env.api, `/api/v1/${ns}/configmaps`, `helm-canary-${env.release}`, (cm) => this.sawRecord(cm)) },
    ];
    await Promise.all(this.writes.map((w) => w.watch.start()));
    return this;
  }

  /** caughtUp waits until the watch has seen the versions the API server holds now (10 s at most). */
  async caughtUp(): Promise<this> {
    for (const { resource, watch } of this.writes) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        if (watch.broken) throw new Error(`Watch: writes may have been missed: ${watch.broken}`);
        const live = (await this.env.get(resource, watch.name))?.metadata?.resourceVersion;
        if (live === watch.current) break;
        if (Date.now() > deadline) throw new Error(`Watch: ${watch.path}/${watch.name} is at resourceVersion ${live}, the watch saw ${watch.current} 10 s on`);
        await sleep(25);
      }
    }
    return this;
  }

  close(): void {
    for (const w of this.writes) w.watch.stop();
  }

  private sawRoute(vs: any): void {
    for (const r of vs.spec?.http?.[0]?.route ?? []) {
      const subset = r.destination?.subset as 'production' | 'canary';
      if (subset in this.maxWeight) this.maxWeight[subset] = Math.max(this.maxWeight[subset], r.weight ?? 0);
    }
  }

  private sawRecord(cm: any): void {
    const record = JSON.parse(cm.data?.['record.json'] ?? '{}');
    if (typeof record.stage === 'number') this.maxRecordedStage = Math.max(this.maxRecordedStage, record.stage);
    if (record.phase && this.phases.at(-1) !== record.phase) this.phases.push(record.phase);
  }
}

/** Rollbacks is what it took to get back to the stable shape with `rollback`. */
export interface Rollbacks {
  runs: Run[];
  /** The first run that left the cluster stable with exit 0 (1-based), or undefined. */
  neededRuns?: number;
  /** Seconds from the first run's start to the end of the run that restored stable. */
  seconds?: number;
  /** Failed requests from the first run's end on, over `afterMs`. */
  afterFirst: TrafficCounts;
  during: TrafficCounts;
}

/**
 * rollbackUntilStable runs `rollback` as an operator would: again when it did not get the cluster
 * back to the stable shape (with --recover when it said helm was pending), up to `maxRuns` runs.
 */
export async function rollbackUntilStable(env: Env, load: LoadGenerator, options: { maxRuns?: number; afterMs?: number; extraEnv?: Record<string, string> } = {}): Promise<Rollbacks> {
  const maxRuns = options.maxRuns ?? 4;
  const afterMs = options.afterMs ?? 1500;
  const runs: Run[] = [];
  let neededRuns: number | undefined;
  let afterFirst: TrafficCounts | undefined;
  let during: TrafficCounts | undefined;
  let args = ['rollback', '--timeout', `${ROLLBACK_TIMEOUT_S}s`];
  for (let i = 1; i <= maxRuns; i++) {
    let r = await timed(env, args, options.extraEnv);
    // a killed run's lease lapses by itself: waiting for it is not another rollback
    for (let w = 0; w < 20 && r.exitCode === 4 && /locked by/.test(r.stderr); w++) {
      await sleep(500);
      r = await timed(env, args, options.extraEnv);
    }
    runs.push(r);
    if (i === 1) {
      during = load.between(r.startedAt, r.endedAt);
      await sleep(afterMs);
      afterFirst = load.between(r.endedAt, r.endedAt + afterMs);
    }
    if (r.exitCode === 0 && stageShape(await env.observe()) === STABLE) {
      neededRuns = i;
      break;
    }
    if (/pending|another operation/i.test(r.stderr) && !args.includes('--recover')) args = [...args, '--recover'];
  }
  const last = runs.at(-1)!;
  return { runs, neededRuns, seconds: neededRuns ? (last.endedAt - runs[0]!.startedAt) / 1000 : undefined, afterFirst: afterFirst!, during: during! };
}

/** Checks collects a scenario's promises and fails the test with every broken one at once. */
export class Checks {
  readonly broken: string[] = [];
  check(ok: boolean, message: string): void {
    if (!ok) this.broken.push(message);
  }
  equal<T>(actual: T, expected: T, what: string): void {
    this.check(actual === expected, `${what}: expected ${String(expected)}, got ${String(actual)}`);
  }
  assertAll(): void {
    assert.deepEqual(this.broken, [], `\n  - ${this.broken.join('\n  - ')}`);
  }
}

/** ReportRow is one scenario's numbers for the "failures" table. */
export interface ReportRow {
  scenario: string;
  helm: HelmMajor;
  /** Requests and failed requests from the fault on (to the end of the scenario's last command). */
  requests: number;
  failed: number;
  /** Failed requests the fault itself caused before the tool acted (crash loops of a running version). */
  failedBeforeTool?: number;
  /** Failed requests after the command that fixes it returned. */
  failedAfterFix?: number;
  rollbackRuns?: number | string;
  rollbackSeconds?: number;
  broken: string[];
  notes?: string;
}

/** report prints a row as a diagnostic and appends it to $HELM_CANARY_FAILURES_REPORT. */
export function report(t: { diagnostic(m: string): void }, row: ReportRow): void {
  t.diagnostic(`${row.scenario}, helm ${row.helm}: ${row.requests} requests, ${row.failed} failed` +
    (row.failedBeforeTool !== undefined ? ` (${row.failedBeforeTool} before the tool acted)` : '') +
    (row.failedAfterFix !== undefined ? `, ${row.failedAfterFix} after the fix returned` : '') +
    (row.rollbackRuns !== undefined ? `; rollback runs ${row.rollbackRuns}${row.rollbackSeconds !== undefined ? ` in ${row.rollbackSeconds.toFixed(1)} s` : ''}` : '') +
    (row.notes ? `; ${row.notes}` : ''));
  const file = process.env.HELM_CANARY_FAILURES_REPORT;
  if (file) appendFileSync(file, `${JSON.stringify({ ...row, cli: cliPath })}\n`);
}

/** Pod is what a test compares of a pod. */
export interface Pod {
  uid: string;
  name: string;
  tag: string;
  ready: boolean;
  terminating: boolean;
}

/** pods lists the live pods of the production (or canary) Deployment. */
export async function pods(env: Env, role: 'production' | 'canary'): Promise<Pod[]> {
  const res = await env.api.call('GET', `/api/v1/namespaces/${env.namespace}/pods`);
  if (res.status !== 200) throw new Error(`LIST pods: HTTP ${res.status} ${res.text}`);
  return (res.body.items as any[])
    .filter((p) => p.metadata.labels?.canary === String(role === 'canary'))
    .map((p) => ({
      uid: p.metadata.uid,
      name: p.metadata.name,
      tag: String(p.spec.containers[0].image).split(':').pop()!,
      ready: (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True'),
      terminating: Boolean(p.metadata.deletionTimestamp),
    }));
}

/** descendants lists every live process under `pid` (children, their children...). */
export async function descendants(pid: number): Promise<{ pid: number; command: string }[]> {
  const ps = await execa('ps', ['-e', '-o', 'pid=,ppid=,comm='], { reject: false });
  const rows = String(ps.stdout).split('\n').map((l) => l.trim().split(/\s+/)).filter((r) => r.length >= 3)
    .map(([p, pp, ...c]) => ({ pid: Number(p), ppid: Number(pp), command: c.join(' ') }));
  const found: { pid: number; command: string }[] = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const r of rows) if (r.ppid === parent && r.pid !== pid) {
      found.push({ pid: r.pid, command: r.command });
      queue.push(r.pid);
    }
  }
  return found.filter((p) => isAlive(p.pid));
}

/** isAlive: the process exists and is not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** waitFor polls `condition` every 25 ms for up to `ms`; returns whether it held. */
export async function waitFor(condition: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await condition()) return true;
    await sleep(25);
  }
  return Boolean(await condition());
}
