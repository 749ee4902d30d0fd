// The runner's HelmReleases port, its one implementation, for one release. Every change goes
// through the helm CLI; the read-only questions asked on every command (status, last deployed
// revision, revisions with values) are answered from helm's release Secrets when helm stores
// releases there and a reader is given, because one API list is much cheaper than helm processes.
// Through the CLI, helm's "release not found" becomes undefined, and failures that mean "cannot
// reach" or "stuck" become helm's typed refusals (helm-refusals.ts). Other failures stay HelmErrors
// (the runner reports them as a failed stage).
import { wasDeployed } from '../rollout/helm-revision-status.js';
import type { HelmReleases, HelmReleaseStatus, HelmRevisionValues, UpgradeOptions } from '../rollout/ports.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HelmError } from './helm-error.js';
import { toTemplateArgs } from './template-args.js';
import { postRendererInvocation, readPostRenderFailure } from './post-renderer.js';
import { withRefusalsTyped } from './helm-refusals.js';
import type { HelmRunner } from './helm-runner.js';
import { usesSecretStorage, type ReleaseStorageReader } from './release-storage.js';

async function orUndefinedWhenMissing<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof HelmError && err.kind === 'release-not-found') return undefined;
    throw withRefusalsTyped(err);
  }
}

/**
 * MAX_REVISIONS is how many of the newest revisions revisions() returns, from either source
 * (`helm upgrade` keeps 10 unless --history-max says otherwise).
 */
export const MAX_REVISIONS = 20;

/** REVISION_READS_IN_PARALLEL bounds the `helm get values` processes revisions() runs at once. */
export const REVISION_READS_IN_PARALLEL = 4;

function hasFlag(argv: readonly string[], flag: string): boolean {
  return argv.some((arg) => arg === flag || arg.startsWith(`${flag}=`));
}

// The value of a string flag as helm's flag parser reads it (the last one wins).
function flagValue(argv: readonly string[], flag: string): string | undefined {
  let value: string | undefined;
  argv.forEach((arg, i) => {
    if (arg === flag) value = argv[i + 1];
    else if (arg.startsWith(`${flag}=`)) value = arg.slice(flag.length + 1);
  });
  return value;
}

/**
 * ownershipArgv adds what an upgrade needs to take back fields another field manager changed
 * (a `kubectl edit`). Helm 3's client-side three-way merge takes them back by itself. Helm 4 with
 * server-side apply refuses with a conflict unless given --force-conflicts; but helm 4 applying
 * client-side (`--server-side false`, or `auto` on a release whose latest revision was applied
 * client-side, e.g. one installed by helm 3) rejects --force-conflicts ("forceConflicts enabled
 * when serverSideApply disabled") and, like helm 3, needs nothing.
 */
async function ownershipArgv(runner: HelmRunner, release: string, namespace: string, argv: string[], options: UpgradeOptions): Promise<string[]> {
  if (!options.takeOwnership || hasFlag(argv, '--force-conflicts')) return argv;
  if ((await runner.version()).major < 4) return argv;
  const serverSide = flagValue(argv, '--server-side') ?? 'auto';
  if (serverSide === 'false') return argv;
  if (serverSide !== 'true') {
    // auto: helm applies the way the latest revision was applied; a first install applies server-side.
    const latest = await orUndefinedWhenMissing(runner.getMetadata(release, namespace));
    if (latest && latest.applyMethod !== 'ssa') return argv;
  }
  return [...argv, '--force-conflicts'];
}

// Runs `work` over `items` with at most `limit` at a time; results keep the items' order.
async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

// Failures of a helm call that must succeed, as the runner acts on them (see the file comment).
async function refusalsTyped<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    throw withRefusalsTyped(err);
  }
}

/** HelmReleasesAdapterOptions name the release and the ways to reach it. */
export interface HelmReleasesAdapterOptions {
  /** runner runs the helm CLI: every change, and every question storage cannot answer. */
  runner: HelmRunner;
  release: string;
  namespace: string;
  /** timeout is helm's --timeout for a rollback (e.g. "5m"). */
  timeout: string;
  /** storage reads helm's release Secrets; used only while helm's driver is Secrets (see usesSecretStorage). */
  storage?: ReleaseStorageReader;
  /** env is where HELM_DRIVER is read; helm inherits it from us, so the default is process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * HelmReleasesAdapter is the HelmReleases port for one release and namespace. Each question goes
 * to one source, chosen here and nowhere else:
 * - upgrade, rollbackTo: the helm CLI always. Helm renders, applies, records the revision and
 *   marks it pending while it works; nothing else may write its storage.
 * - values, manifest: the helm CLI always. Asked once per command, for the latest revision only;
 *   the storage reader lists and decodes every revision and does not read manifests.
 * - status, lastDeployedRevision: storage when used (one API list, read from the Secrets' labels),
 *   else `helm status` / `helm history`. Asked by most commands before they act.
 * - revisions: storage when used (one API list, each revision's values decoded from its Secret),
 *   else `helm history` then one `helm get values` per revision, a few at a time. Either way at
 *   most the newest MAX_REVISIONS, newest first, so the answer does not depend on the source.
 */
export class HelmReleasesAdapter implements HelmReleases {
  private readonly runner: HelmRunner;
  private readonly release: string;
  private readonly namespace: string;
  private readonly timeout: string;
  private readonly env: NodeJS.ProcessEnv;
  /** storage is the reader in use: undefined when none was given or helm's driver is not Secrets. */
  private readonly storage: ReleaseStorageReader | undefined;

  constructor(options: HelmReleasesAdapterOptions) {
    this.env = options.env ?? {};
    this.runner = options.runner;
    this.release = options.release;
    this.namespace = options.namespace;
    this.timeout = options.timeout;
    // With another driver the Secrets do not exist: storage would answer "no release" for a live one.
    this.storage = usesSecretStorage(options.env) ? options.storage : undefined;
  }

  async upgrade(argv: string[], options: UpgradeOptions = {}): Promise<void> {
    if (options.overlayValuesFile) return this.upgradeWithOverlay(argv, options, options.overlayValuesFile);
    try {
      await this.runner.upgrade(await ownershipArgv(this.runner, this.release, this.namespace, argv, options), options.env ? { env: options.env } : {});
    } catch (err) {
      throw withRefusalsTyped(err);
    }
  }

  // Overlay mode: helm runs helm-canary's post-renderer, with the flags and environment of the
  // helm version at hand, in a directory of its own removed afterwards. When the post-renderer
  // refused the chart, its own words replace helm's "error while running post render".
  private async upgradeWithOverlay(argv: string[], options: UpgradeOptions, valuesFile: string): Promise<void> {
    const workDir = await mkdtemp(join(tmpdir(), 'helm-canary-post-render-'));
    try {
      const { major } = await this.runner.version();
      const env = { ...process.env, ...this.env, ...options.env };
      const invocation = await postRendererInvocation({ helmMajor: major >= 4 ? 4 : 3, valuesFile, workDir, env, helmBinary: this.runner.binary });
      try {
        await this.runner.upgrade(await ownershipArgv(this.runner, this.release, this.namespace, [...argv, ...invocation.args], options), { env: { ...options.env, ...invocation.env } });
      } catch (err) {
        const refused = await readPostRenderFailure(invocation);
        if (refused) throw new Error(`helm-canary's overlay (helm's post-renderer) refused the chart, so helm applied nothing: ${refused}`, { cause: err });
        throw withRefusalsTyped(err);
      }
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  render(argv: string[]): Promise<string> {
    return refusalsTyped(this.runner.template(toTemplateArgs(argv)));
  }

  values(): Promise<unknown | undefined> {
    return orUndefinedWhenMissing(this.runner.getValues(this.release, this.namespace));
  }

  manifest(): Promise<string> {
    return refusalsTyped(this.runner.getManifest(this.release, this.namespace));
  }

  async status(): Promise<HelmReleaseStatus | undefined> {
    if (this.storage) return this.storage.status(this.namespace, this.release);
    const s = await orUndefinedWhenMissing(this.runner.status(this.release, this.namespace));
    return s && { status: s.status, revision: s.revision };
  }

  async lastDeployedRevision(): Promise<number | undefined> {
    if (this.storage) return this.storage.lastDeployedRevision(this.namespace, this.release);
    const history = (await orUndefinedWhenMissing(this.runner.history(this.release, this.namespace))) ?? [];
    return history.filter((h) => wasDeployed(h.status)).at(-1)?.revision;
  }

  async rollbackTo(revision: number): Promise<void> {
    await refusalsTyped(this.runner.rollback(this.release, this.namespace, revision, { timeout: this.timeout }));
  }

  async revisions(): Promise<HelmRevisionValues[]> {
    if (this.storage) return (await this.storage.revisionValues(this.namespace, this.release)).slice(0, MAX_REVISIONS);
    return this.revisionsThroughCli();
  }

  private async revisionsThroughCli(): Promise<HelmRevisionValues[]> {
    const history = (await orUndefinedWhenMissing(this.runner.history(this.release, this.namespace))) ?? [];
    const newest = [...history].sort((a, b) => b.revision - a.revision).slice(0, MAX_REVISIONS);
    const read = await mapLimit(newest, REVISION_READS_IN_PARALLEL, async (entry): Promise<HelmRevisionValues | undefined> => {
      // A revision pruned (--history-max) by an upgrade since `helm history` is "not found": skip it.
      const values = await orUndefinedWhenMissing(this.runner.getValues(this.release, this.namespace, { revision: entry.revision }));
      return values && { revision: entry.revision, status: entry.status, values, description: entry.description };
    });
    return read.filter((r): r is HelmRevisionValues => r !== undefined);
  }
}
