// The execa HelmRunner against the real helm 3 and helm 4: version detection, the cluster-reading
// commands (through helm's memory storage driver, no cluster needed), and HelmError for a missing
// binary, an unreachable cluster, a pending release and bad values.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ExecaHelmRunner, HelmError, checkHelmVersion, type HelmErrorKind } from '../../src/helm/index.js';
import { HELM_MAJORS, helmBinaries, isolatedHelmEnv, repoRoot, type IsolatedHelm } from './helm-env.js';

const FIXTURES = join(repoRoot, 'test', 'fixtures', 'helm');
const CHART = join(repoRoot, 'charts', 'canary-app');
const EXPECTED = { 3: { major: 3, minor: 17, patch: 2 }, 4: { major: 4, minor: 1, patch: 4 } } as const;

// A port nothing listens on: bound by us for a moment, then released.
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// Awaits a rejection and returns the HelmError, asserting its kind.
async function expectHelmError(promise: Promise<unknown>, kind: HelmErrorKind): Promise<HelmError> {
  const error = await promise.then(
    () => assert.fail(`expected a HelmError of kind ${kind}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof HelmError, `not a HelmError: ${String(error)}`);
  assert.equal(error.kind, kind, error.message);
  return error;
}

describe('a missing helm binary', () => {
  const missing = join(FIXTURES, 'no-such-helm');
  it('is a HelmError of kind not-found with no exit code, from every command', async () => {
    const helm = new ExecaHelmRunner({ binary: missing });
    const error = await expectHelmError(helm.version(), 'not-found');
    assert.equal(error.exitCode, undefined);
    assert.equal(error.timedOut, false);
    assert.deepEqual(error.command, ['version', '--short']);
    assert.equal(error.binary, missing);
    assert.match(error.message, /could not run .*no-such-helm: not found/);
    await expectHelmError(helm.status('shop', 'default'), 'not-found');
    await expectHelmError(helm.lint(CHART), 'not-found');
  });
});

for (const major of HELM_MAJORS) {
  describe(`ExecaHelmRunner with helm ${major}`, () => {
    let binary: string;
    let isolated: IsolatedHelm;
    before(async () => {
      binary = (await helmBinaries())[major];
      isolated = isolatedHelmEnv(`https://127.0.0.1:${await closedPort()}`);
    });
    after(() => isolated.cleanup());

    it('detects the version once per binary, and it is supported', async () => {
      const helm = new ExecaHelmRunner({ binary });
      const version = await helm.version();
      assert.deepEqual({ major: version.major, minor: version.minor, patch: version.patch }, EXPECTED[major]);
      assert.match(version.raw, new RegExp(`^v${major}\\.`));
      assert.equal(await new ExecaHelmRunner({ binary }).version(), version, 'a second runner reuses the answer');
      assert.deepEqual(checkHelmVersion(version), { ok: true });
    });

    describe('against an unreachable cluster (kubeconfig pointing at a closed port)', () => {
      const runner = () => new ExecaHelmRunner({ binary, env: isolated.env });
      it('classifies get values, status and history as unreachable, with helm\'s stderr', async () => {
        for (const call of [
          () => runner().getValues('nosuch', 'default'),
          () => runner().status('nosuch', 'default'),
          () => runner().history('nosuch', 'default'),
        ]) {
          const error = await expectHelmError(call(), 'unreachable');
          assert.equal(error.exitCode, 1);
          assert.match(error.stderr, /kubernetes cluster unreachable: .*connect: connection refused/i);
          assert.ok(error.message.includes(error.stderr), 'the message shows helm\'s stderr');
          assert.match(error.message, /hint: check KUBECONFIG/);
        }
      });
      it('classifies an upgrade as unreachable and streams its output', async () => {
        const lines: string[] = [];
        const argv = ['upgrade', '--install', 'shop', CHART, '--namespace', 'default', '--wait', '--timeout', '1m'];
        const error = await expectHelmError(runner().upgrade(argv, { onOutput: (line) => lines.push(line) }), 'unreachable');
        assert.deepEqual(error.command, argv);
        assert.ok(lines.some((line) => /unreachable/i.test(line)), lines.join('\n'));
      });
    });

    describe('with releases in helm\'s memory driver', () => {
      const runner = () =>
        new ExecaHelmRunner({
          binary,
          env: { ...isolated.env, HELM_DRIVER: 'memory', HELM_MEMORY_DRIVER_DATA: join(FIXTURES, 'releases.yaml') },
        });
      it('reads status, including a pending upgrade', async () => {
        assert.deepEqual(await runner().status('stuck', 'default'), {
          name: 'stuck', namespace: 'default', revision: 3, status: 'pending-upgrade', description: 'Preparing upgrade', lastDeployed: '',
        });
        const shop = await runner().status('shop', 'default');
        assert.equal(shop.status, 'deployed');
        assert.equal(shop.revision, 2);
      });
      it('reads the values the release was given', async () => {
        assert.deepEqual(await runner().getValues('shop', 'default'), {
          productionDeployment: { weight: 90, image: { tag: 83 } },
          canaryDeployment: { weight: 10, image: { tag: '84' } },
        });
      });
      it('reads history, oldest first', async () => {
        const history = await runner().history('shop', 'default');
        assert.deepEqual(history.map((h) => [h.revision, h.status, h.chart, h.appVersion, h.description]), [
          [1, 'superseded', 'canary-app-0.1.0', '1.0.0', 'Install complete'],
          [2, 'deployed', 'canary-app-0.1.0', '1.0.0', 'Upgrade complete'],
        ]);
      });
      it('classifies a missing release as release-not-found', async () => {
        for (const call of [
          () => runner().getValues('nosuch', 'default'),
          () => runner().status('nosuch', 'default'),
          () => runner().history('nosuch', 'default'),
        ]) {
          const error = await expectHelmError(call(), 'release-not-found');
          assert.match(error.stderr, /release: not found/);
        }
      });
      it('classifies an upgrade of a pending release as pending-operation', async () => {
        const argv = ['upgrade', '--install', 'stuck', CHART, '--namespace', 'default', '--wait', '--timeout', '1m'];
        const error = await expectHelmError(runner().upgrade(argv), 'pending-operation');
        assert.equal(error.stderr, 'Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress');
        assert.match(error.message, /hint: .*helm history/);
      });
    });

    describe('bad values', () => {
      const runner = () => new ExecaHelmRunner({ binary, env: isolated.env });
      it('classifies a schema failure on template as invalid-values', async () => {
        const error = await expectHelmError(
          runner().template(['template', 'shop', CHART, '--set', 'productionDeployment.weight=120']),
          'invalid-values',
        );
        assert.equal(error.exitCode, 1);
        assert.match(error.stderr, /^Error: values don't meet the specifications of the schema\(s\) in the following chart\(s\):/);
      });
      it('classifies a values file that does not parse as invalid-values', async () => {
        const error = await expectHelmError(
          runner().template(['template', 'shop', CHART, '--values', join(FIXTURES, 'unparseable-values.yaml')]),
          'invalid-values',
        );
        assert.match(error.stderr, /failed to parse .*unparseable-values\.yaml: .*error converting YAML to JSON/);
      });
    });

    it('reports lint problems as a result, not an error', async () => {
      const helm = new ExecaHelmRunner({ binary, env: isolated.env });
      assert.equal((await helm.lint(CHART)).ok, true);
      const broken = await helm.lint(join(FIXTURES, 'broken-chart'));
      assert.equal(broken.ok, false);
      assert.match(broken.output, /\[ERROR\] templates\/: parse error/);
    });

    it('refuses an argv for another subcommand', async () => {
      const helm = new ExecaHelmRunner({ binary });
      await assert.rejects(helm.upgrade(['uninstall', 'shop']), TypeError);
      await assert.rejects(helm.template(['upgrade', 'shop', CHART]), TypeError);
    });
  });
}

describe('failures only a live cluster provokes, replayed by a fake helm', () => {
  // The texts are helm's own: helm 3.17 --wait ends with "context deadline exceeded"; helm 4's
  // kstatus waiter lists each resource that is not ready, then the same.
  const cases: { name: string; stderr: string; kind: HelmErrorKind }[] = [
    { name: 'helm 3 wait timeout', stderr: 'Error: UPGRADE FAILED: context deadline exceeded', kind: 'wait-timeout' },
    { name: 'helm 3 (older) wait timeout', stderr: 'Error: UPGRADE FAILED: timed out waiting for the condition', kind: 'wait-timeout' },
    {
      name: 'helm 4 wait timeout',
      stderr: 'Error: UPGRADE FAILED: resource Deployment/bookinfo/productpage-canary not ready. status: InProgress, message: Available: 0/2\ncontext deadline exceeded',
      kind: 'wait-timeout',
    },
    {
      name: 'an API server that does not answer',
      stderr: 'Error: Kubernetes cluster unreachable: Get "https://10.0.0.1:6443/version": dial tcp 10.0.0.1:6443: i/o timeout',
      kind: 'unreachable',
    },
  ];
  for (const c of cases) {
    it(`${c.name} is ${c.kind}`, async () => {
      const helm = new ExecaHelmRunner({ binary: join(FIXTURES, 'fake-helm.sh'), env: { FAKE_HELM_STDERR: c.stderr, FAKE_HELM_EXIT: '1' } });
      const error = await expectHelmError(helm.upgrade(['upgrade', '--install', 'productpage', CHART, '--wait']), c.kind);
      assert.equal(error.exitCode, 1);
      assert.equal(error.stderr, c.stderr);
    });
  }
});
