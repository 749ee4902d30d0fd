// The HelmReleases adapter over a fake HelmRunner and a fake release-storage reader: which argv an
// upgrade that must take fields back (a rollback after a kubectl edit) hands to helm 3 and helm 4,
// how revisions() reads history and values (newest first, at most 20, a few helm processes at a
// time, [] for no release), and which source answers each question (helm's release Secrets only
// while HELM_DRIVER says Secrets and a reader is given; the helm CLI otherwise, and for every change).
// helm-releases-cluster.test.ts runs the same against the real helm binaries.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HelmBlockedError, HelmUnreachableError } from '../../src/helm/helm-refusals.js';
import { HelmError, parseHelmVersion, type GetValuesOptions, type HelmHistoryEntry, type HelmReleaseMetadata, type HelmRunner } from '../../src/helm/index.js';
import { HelmReleasesAdapter, MAX_REVISIONS, REVISION_READS_IN_PARALLEL } from '../../src/helm/helm-releases.js';
import { usesSecretStorage, type ReleaseStorageReader } from '../../src/helm/release-storage.js';
import type { HelmRevisionValues } from '../../src/rollout/ports.js';

// The adapter for productpage in shop; no storage reader unless given.
function adapter(runner: HelmRunner, storage?: ReleaseStorageReader, env: NodeJS.ProcessEnv = {}): HelmReleasesAdapter {
  return new HelmReleasesAdapter({ runner, release: 'productpage', namespace: 'shop', timeout: '5m', storage, env });
}

function helmError(stderr: string, command: string[] = ['x']): HelmError {
  return new HelmError({ binary: 'helm', command, exitCode: 1, stderr, timedOut: false });
}
const notFound = () => helmError('Error: release: not found');

interface FakeOptions {
  version?: string;
  /** The latest revision's metadata; undefined: the release does not exist. */
  metadata?: Partial<HelmReleaseMetadata>;
  history?: HelmHistoryEntry[] | Error;
  values?: (revision: number) => Promise<Record<string, unknown>>;
  upgradeError?: Error;
}

// A HelmRunner that records what it is asked; everything not under test throws.
function fakeRunner(options: FakeOptions = {}) {
  const calls = { version: 0, metadata: 0, upgrades: [] as string[][], values: [] as (GetValuesOptions | undefined)[] };
  const unused = () => Promise.reject(new Error('not used by this test'));
  const runner: HelmRunner = {
    binary: 'helm',
    async version() {
      calls.version++;
      return parseHelmVersion(options.version ?? 'v4.1.4')!;
    },
    async upgrade(argv) {
      calls.upgrades.push(argv);
      if (options.upgradeError) throw options.upgradeError;
      return { stdout: '', stderr: '' };
    },
    async getMetadata() {
      calls.metadata++;
      if (!options.metadata) throw notFound();
      return { revision: 1, status: 'deployed', applyMethod: '', ...options.metadata };
    },
    async history() {
      if (options.history instanceof Error) throw options.history;
      if (!options.history) throw notFound();
      return options.history;
    },
    async getValues(_release, _namespace, getOptions) {
      calls.values.push(getOptions);
      if (!options.values || getOptions?.revision === undefined) return unused();
      return options.values(getOptions.revision);
    },
    status: unused,
    getManifest: unused,
    rollback: unused,
    template: unused,
    lint: unused,
  };
  return { runner, calls, releases: adapter(runner) };
}

const ARGV = ['upgrade', '--install', 'productpage', './chart', '--namespace', 'shop', '--values', 'stage.yaml', '--wait'];

describe('upgrade with takeOwnership (a rollback that must win over a kubectl edit)', () => {
  it('helm 3: passes argv unchanged, with or without the option (its three-way merge takes fields back)', async () => {
    const { releases, calls } = fakeRunner({ version: 'v3.17.2+gcc0bbbd', metadata: { applyMethod: '' } });
    await releases.upgrade(ARGV, { takeOwnership: true });
    await releases.upgrade(ARGV);
    assert.deepEqual(calls.upgrades, [ARGV, ARGV]);
    assert.equal(calls.metadata, 0, 'helm 3 needs no look at the release');
  });

  it('helm 4: adds --force-conflicts when the release is applied server-side', async () => {
    const { releases, calls } = fakeRunner({ version: 'v4.1.4', metadata: { applyMethod: 'ssa' } });
    await releases.upgrade(ARGV, { takeOwnership: true });
    assert.deepEqual(calls.upgrades, [[...ARGV, '--force-conflicts']]);
  });

  it('helm 4 without the option: argv unchanged, and no helm process to ask the version', async () => {
    const { releases, calls } = fakeRunner({ version: 'v4.1.4', metadata: { applyMethod: 'ssa' } });
    await releases.upgrade(ARGV);
    await releases.upgrade(ARGV, {});
    await releases.upgrade(ARGV, { takeOwnership: false });
    assert.deepEqual(calls.upgrades, [ARGV, ARGV, ARGV]);
    assert.equal(calls.version, 0);
    assert.equal(calls.metadata, 0);
  });

  it('helm 4 installing a new release (installs apply server-side): adds --force-conflicts', async () => {
    const { releases, calls } = fakeRunner({ version: 'v4.1.4', metadata: undefined });
    await releases.upgrade(ARGV, { takeOwnership: true });
    assert.deepEqual(calls.upgrades, [[...ARGV, '--force-conflicts']]);
  });

  it('helm 4 on a release applied client-side (e.g. installed by helm 3): adds nothing, helm 4 would refuse the flag', async () => {
    for (const applyMethod of ['csa', '']) {
      const { releases, calls } = fakeRunner({ version: 'v4.1.4', metadata: { applyMethod } });
      await releases.upgrade(ARGV, { takeOwnership: true });
      assert.deepEqual(calls.upgrades, [ARGV], applyMethod);
    }
  });

  it('helm 4: follows an explicit --server-side in argv, the last one winning', async () => {
    const cases: { extra: string[]; adds: boolean }[] = [
      { extra: ['--server-side=true'], adds: true },
      { extra: ['--server-side', 'true'], adds: true },
      { extra: ['--server-side=false'], adds: false },
      { extra: ['--server-side', 'false'], adds: false },
      { extra: ['--server-side=true', '--server-side=false'], adds: false },
      { extra: ['--server-side=false', '--server-side', 'true'], adds: true },
    ];
    for (const c of cases) {
      // The release was applied client-side: only an explicit --server-side true makes helm 4 apply server-side.
      const { releases, calls } = fakeRunner({ version: 'v4.1.4', metadata: { applyMethod: 'csa' } });
      const argv = [...ARGV, ...c.extra];
      await releases.upgrade(argv, { takeOwnership: true });
      assert.deepEqual(calls.upgrades, [c.adds ? [...argv, '--force-conflicts'] : argv], c.extra.join(' '));
      assert.equal(calls.metadata, 0, 'an explicit --server-side needs no look at the release');
    }
  });

  it('helm 4: never adds a second --force-conflicts, and keeps one the user set to false', async () => {
    for (const flag of ['--force-conflicts', '--force-conflicts=true', '--force-conflicts=false']) {
      const { releases, calls } = fakeRunner({ version: 'v4.1.4', metadata: { applyMethod: 'ssa' } });
      const argv = [...ARGV, flag];
      await releases.upgrade(argv, { takeOwnership: true });
      assert.deepEqual(calls.upgrades, [argv], flag);
    }
  });

  it('a later major version is treated like helm 4', async () => {
    const { releases, calls } = fakeRunner({ version: 'v5.0.0', metadata: { applyMethod: 'ssa' } });
    await releases.upgrade(ARGV, { takeOwnership: true });
    assert.deepEqual(calls.upgrades, [[...ARGV, '--force-conflicts']]);
  });

  it('failures keep their translation: helm missing is unreachable, a conflict is blocked', async () => {
    const missing: HelmRunner = {
      ...fakeRunner().runner,
      version: () => Promise.reject(new HelmError({ binary: 'helm', command: ['version'], stderr: '', timedOut: false, spawnCode: 'ENOENT' })),
    };
    await assert.rejects(adapter(missing).upgrade(ARGV, { takeOwnership: true }), HelmUnreachableError);
    const conflict = helmError(
      'Error: UPGRADE FAILED: conflict occurred while applying object shop/productpage-production apps/v1, Kind=Deployment: Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas',
    );
    const { releases } = fakeRunner({ version: 'v4.1.4', upgradeError: conflict });
    await assert.rejects(releases.upgrade(ARGV), (err: unknown) => err instanceof HelmBlockedError && /kubectl-edit/.test(err.message));
  });
});

const entry = (revision: number, status = 'superseded'): HelmHistoryEntry => ({
  revision, status, updated: '', chart: 'canary-app-0.1.0', appVersion: '1.0.0', description: '',
});

describe('revisions() through the helm CLI', () => {
  it('reads values of the newest 20 revisions, newest first, a few at a time', async () => {
    const history = Array.from({ length: 25 }, (_, i) => entry(i + 1, i === 24 ? 'deployed' : 'superseded'));
    let running = 0;
    let most = 0;
    const { releases, calls } = fakeRunner({
      history,
      values: async (revision) => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5 + (revision % 3) * 5)); // out of order on purpose
        running--;
        return { productionDeployment: { image: { tag: `v${revision}` } } };
      },
    });
    const revisions = await releases.revisions();
    assert.equal(MAX_REVISIONS, 20);
    assert.deepEqual(revisions.map((r) => r.revision), Array.from({ length: 20 }, (_, i) => 25 - i));
    assert.deepEqual(revisions[0], { revision: 25, status: 'deployed', values: { productionDeployment: { image: { tag: 'v25' } } }, description: '' });
    assert.deepEqual(revisions[19], { revision: 6, status: 'superseded', values: { productionDeployment: { image: { tag: 'v6' } } }, description: '' });
    assert.deepEqual(calls.values.map((o) => o?.revision).sort((a, b) => a! - b!), Array.from({ length: 20 }, (_, i) => i + 6), 'older revisions are not read');
    assert.ok(most > 1 && most <= REVISION_READS_IN_PARALLEL, `at most ${REVISION_READS_IN_PARALLEL} at once, saw ${most}`);
  });

  it('is [] when the release does not exist', async () => {
    const { releases, calls } = fakeRunner({ history: undefined });
    assert.deepEqual(await releases.revisions(), []);
    assert.equal(calls.values.length, 0);
  });

  it('skips a revision pruned (--history-max) between helm history and helm get values', async () => {
    const { releases } = fakeRunner({
      history: [entry(1), entry(2), entry(3, 'deployed')],
      values: async (revision) => {
        if (revision === 1) throw notFound();
        return { n: revision };
      },
    });
    assert.deepEqual(await releases.revisions(), [
      { revision: 3, status: 'deployed', values: { n: 3 }, description: '' },
      { revision: 2, status: 'superseded', values: { n: 2 }, description: '' },
    ]);
  });

  it('reports an unreachable cluster as the CLI\'s unreachable error', async () => {
    const unreachable = helmError('Error: Kubernetes cluster unreachable: Get "https://127.0.0.1:1/version": dial tcp 127.0.0.1:1: connect: connection refused');
    await assert.rejects(fakeRunner({ history: unreachable }).releases.revisions(), HelmUnreachableError);
    const { releases } = fakeRunner({ history: [entry(1)], values: () => Promise.reject(unreachable) });
    await assert.rejects(releases.revisions(), HelmUnreachableError);
  });
});

// One release seen by two sources that disagree on purpose, so an answer tells where it came from:
// helm (the CLI) says revision 2 is deployed; the Secrets say revision 7 is pending, 6 deployed.
function twoSources() {
  const cli: string[] = [];
  const stored: string[] = [];
  const runner: HelmRunner = {
    binary: 'helm',
    version: async () => parseHelmVersion('v3.17.2')!,
    async upgrade(argv) {
      cli.push(argv[0]!);
      return { stdout: '', stderr: '' };
    },
    async status(release, namespace) {
      cli.push('status');
      return { name: release, namespace, revision: 2, status: 'deployed', description: '', lastDeployed: '' };
    },
    async history() {
      cli.push('history');
      return [entry(1), entry(2, 'deployed')];
    },
    async getValues(_release, _namespace, options) {
      cli.push(options?.revision === undefined ? 'get values' : `get values ${options.revision}`);
      return { from: 'cli', revision: options?.revision };
    },
    async getManifest() {
      cli.push('get manifest');
      return 'kind: Deployment';
    },
    async rollback(_release, _namespace, revision) {
      cli.push(`rollback ${revision}`);
    },
    getMetadata: () => Promise.reject(new Error('not used by this test')),
    template: () => Promise.reject(new Error('not used by this test')),
    lint: () => Promise.reject(new Error('not used by this test')),
  };
  const storage: ReleaseStorageReader = {
    async status() {
      stored.push('status');
      return { status: 'pending-upgrade', revision: 7 };
    },
    async lastDeployedRevision() {
      stored.push('lastDeployedRevision');
      return 6;
    },
    async revisionValues() {
      stored.push('revisionValues');
      return [{ revision: 7, status: 'pending-upgrade', values: { from: 'secrets' }, description: 'Upgrade "productpage" pending' }];
    },
  };
  return { runner, storage, cli, stored };
}

// The three questions storage can answer, asked once each.
async function askReads(releases: HelmReleasesAdapter) {
  return { status: await releases.status(), lastDeployed: await releases.lastDeployedRevision(), revisions: await releases.revisions() };
}

const FROM_SECRETS = {
  status: { status: 'pending-upgrade', revision: 7 },
  lastDeployed: 6,
  revisions: [{ revision: 7, status: 'pending-upgrade', values: { from: 'secrets' }, description: 'Upgrade "productpage" pending' }],
};
const FROM_CLI = {
  status: { status: 'deployed', revision: 2 },
  lastDeployed: 2,
  revisions: [
    { revision: 2, status: 'deployed', values: { from: 'cli', revision: 2 }, description: '' },
    { revision: 1, status: 'superseded', values: { from: 'cli', revision: 1 }, description: '' },
  ],
};

describe('which source answers status, lastDeployedRevision and revisions', () => {
  for (const env of [{}, { HELM_DRIVER: 'secret' }, { HELM_DRIVER: 'secrets' }, { HELM_DRIVER: 'Secret' }]) {
    it(`helm's release Secrets, with a reader and HELM_DRIVER=${env.HELM_DRIVER ?? '(unset)'}: not one helm process`, async () => {
      const { runner, storage, cli, stored } = twoSources();
      assert.deepEqual(await askReads(adapter(runner, storage, env)), FROM_SECRETS);
      assert.deepEqual(stored, ['status', 'lastDeployedRevision', 'revisionValues']);
      assert.deepEqual(cli, []);
    });
  }

  for (const driver of ['configmap', 'configmaps', 'memory', 'sql']) {
    it(`the helm CLI with HELM_DRIVER=${driver}, though a reader is given: the Secrets do not exist there`, async () => {
      const { runner, storage, cli, stored } = twoSources();
      assert.deepEqual(await askReads(adapter(runner, storage, { HELM_DRIVER: driver })), FROM_CLI);
      assert.deepEqual(stored, []);
      assert.deepEqual(cli.slice(0, 3), ['status', 'history', 'history']);
    });
  }

  it('the helm CLI when no reader is given, whatever the driver', async () => {
    const { runner, cli } = twoSources();
    assert.deepEqual(await askReads(adapter(runner, undefined, {})), FROM_CLI);
    assert.deepEqual(cli.sort(), ['get values 1', 'get values 2', 'history', 'history', 'status']);
  });

  it('reads HELM_DRIVER from the environment helm inherits when none is given', async () => {
    const { runner, storage, stored } = twoSources();
    const saved = process.env.HELM_DRIVER;
    try {
      process.env.HELM_DRIVER = 'configmap';
      const releases = new HelmReleasesAdapter({ runner, release: 'productpage', namespace: 'shop', timeout: '5m', storage });
      assert.deepEqual(await releases.status(), FROM_CLI.status);
      assert.deepEqual(stored, []);
    } finally {
      if (saved === undefined) delete process.env.HELM_DRIVER;
      else process.env.HELM_DRIVER = saved;
    }
  });

  it('changes, latest values and the manifest always go through helm, even with the Secrets readable', async () => {
    const { runner, storage, cli, stored } = twoSources();
    const releases = adapter(runner, storage, {});
    await releases.upgrade(ARGV);
    await releases.rollbackTo(6);
    assert.deepEqual(await releases.values(), { from: 'cli', revision: undefined });
    assert.equal(await releases.manifest(), 'kind: Deployment');
    assert.deepEqual(cli, ['upgrade', 'rollback 6', 'get values', 'get manifest']);
    assert.deepEqual(stored, []);
  });

  it('revisions from the Secrets keep the CLI\'s limit: the newest 20, newest first', async () => {
    const { runner } = twoSources();
    const many: HelmRevisionValues[] = Array.from({ length: 25 }, (_, i) => ({ revision: 25 - i, status: 'superseded', values: {} }));
    const storage: ReleaseStorageReader = { ...twoSources().storage, revisionValues: async () => many };
    const revisions = await adapter(runner, storage, {}).revisions();
    assert.deepEqual(revisions.map((r) => r.revision), Array.from({ length: MAX_REVISIONS }, (_, i) => 25 - i));
  });

  it('usesSecretStorage follows HELM_DRIVER as helm does: unset or secret(s) only', () => {
    assert.equal(usesSecretStorage({}), true);
    assert.equal(usesSecretStorage({ HELM_DRIVER: '' }), true);
    assert.equal(usesSecretStorage({ HELM_DRIVER: 'secret' }), true);
    assert.equal(usesSecretStorage({ HELM_DRIVER: 'Secrets' }), true);
    assert.equal(usesSecretStorage({ HELM_DRIVER: 'configmap' }), false);
    assert.equal(usesSecretStorage({ HELM_DRIVER: 'sql' }), false);
    assert.equal(usesSecretStorage({ HELM_DRIVER: 'memory' }), false);
  });
});
