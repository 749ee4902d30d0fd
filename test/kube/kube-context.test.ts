import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCluster, type Cluster } from '../../sim/cluster.js';
import { kubeconfigYaml } from '../../sim/kubeconfig.js';
import { connectKube, createNamespace, kubeconfigPaths, namespaceExists } from '../../src/kube/kube-context.js';
import { ClusterUnreachableError, KubeConfigError } from '../../src/kube/kube-errors.js';

// closedPort finds a port nothing listens on: bind one, then close it.
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

describe('connectKube', () => {
  let dir: string;
  let cluster: Cluster;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-context-test-'));
    cluster = await startCluster({ controllers: [] });
  });
  after(async () => {
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('connects through an explicit kubeconfig and probes the server version', async () => {
    const kube = await connectKube({ kubeconfig: cluster.kubeconfigPath });
    assert.equal(kube.server, cluster.url);
    assert.equal(kube.context, 'helm-canary-sim');
    assert.match(kube.serverVersion ?? '', /^v1\./);
    assert.deepEqual(kube.kubeconfigPaths, [cluster.kubeconfigPath]);
  });

  it('reads KUBECONFIG (a path list, missing entries skipped) when no path is given', async () => {
    const kube = await connectKube({ env: { KUBECONFIG: [join(dir, 'absent'), cluster.kubeconfigPath].join(':') } });
    assert.equal(kube.server, cluster.url);
  });

  it('falls back to ~/.kube/config', () => {
    assert.deepEqual(kubeconfigPaths(undefined, { HOME: '/home/u' }), ['/home/u/.kube/config']);
    assert.deepEqual(kubeconfigPaths('/x', { KUBECONFIG: '/y' }), ['/x']);
  });

  it('fails fast with ClusterUnreachableError naming the server when nothing listens', async () => {
    const port = await closedPort();
    const path = join(dir, 'closed');
    await writeFile(path, kubeconfigYaml(`http://127.0.0.1:${port}`));
    await assert.rejects(connectKube({ kubeconfig: path }), (err: unknown) => {
      assert.ok(err instanceof ClusterUnreachableError, String(err));
      assert.equal(err.server, `http://127.0.0.1:${port}`);
      assert.match(err.message, new RegExp(`http://127\\.0\\.0\\.1:${port}: connection refused`));
      assert.doesNotMatch(err.message, /simulated-cluster-token/);
      return true;
    });
  });

  it('reports a probe that gets no answer in time as unreachable', async () => {
    cluster.faults.failRequests({ path: /^\/version/, delayMs: 1000, times: 1 });
    await assert.rejects(connectKube({ kubeconfig: cluster.kubeconfigPath, probeTimeoutMs: 50 }), (err: unknown) => {
      assert.ok(err instanceof ClusterUnreachableError, String(err));
      assert.match(err.message, /no answer within 50 ms/);
      return true;
    });
  });

  it('reports a dropped connection as unreachable', async () => {
    cluster.faults.failRequests({ path: /^\/version/, drop: true, times: 1 });
    await assert.rejects(connectKube({ kubeconfig: cluster.kubeconfigPath }), ClusterUnreachableError);
  });

  it('names a missing kubeconfig file', async () => {
    const path = join(dir, 'nope.yaml');
    await assert.rejects(connectKube({ kubeconfig: path }), (err: unknown) => {
      assert.ok(err instanceof KubeConfigError);
      assert.equal(err.message, `kubeconfig ${path} does not exist`);
      return true;
    });
    await assert.rejects(connectKube({ env: { KUBECONFIG: path } }), /no kubeconfig found \(looked at .*nope\.yaml\)/);
  });

  it('names an unknown context and lists the known ones', async () => {
    await assert.rejects(connectKube({ kubeconfig: cluster.kubeconfigPath, context: 'prod' }), (err: unknown) => {
      assert.ok(err instanceof KubeConfigError);
      assert.equal(err.context, 'prod');
      assert.match(err.message, /context "prod" is not in .*kubeconfig \(it has: helm-canary-sim\)/);
      return true;
    });
  });

  it('reports an unparsable kubeconfig without quoting it (it may hold credentials)', async () => {
    const path = join(dir, 'broken');
    await writeFile(path, 'users:\n- name: x\n  user:\n    token: s3cret-token\n  : [unclosed\n');
    await assert.rejects(connectKube({ kubeconfig: path }), (err: unknown) => {
      assert.ok(err instanceof KubeConfigError);
      assert.match(err.message, /could not be parsed/);
      assert.doesNotMatch(err.message, /s3cret/);
      return true;
    });
  });

  it('merges a KUBECONFIG list that names one cluster twice, first file winning, as helm does (issue 10, defect 5)', async () => {
    const port = await closedPort();
    const second = join(dir, 'second');
    // Same cluster, user and context names as the first file, a server nothing listens on, and another context of its own.
    const other = kubeconfigYaml(`http://127.0.0.1:${port}`, 'elsewhere').replace("current-context: helm-canary-sim", 'current-context: other')
      .replace('contexts:\n', 'contexts:\n  - name: other\n    context:\n      cluster: helm-canary-sim\n      user: helm-canary-sim\n      namespace: shop\n');
    await writeFile(second, other);
    const kube = await connectKube({ env: { KUBECONFIG: [cluster.kubeconfigPath, second].join(':') } });
    assert.equal(kube.server, cluster.url);
    assert.equal(kube.context, 'helm-canary-sim');
    assert.equal(kube.namespace, undefined);
    assert.deepEqual(kube.kubeconfigPaths, [cluster.kubeconfigPath, second]);
    // The second file's own context is there, over the first file's cluster.
    const viaOther = await connectKube({ env: { KUBECONFIG: [cluster.kubeconfigPath, second].join(':') }, context: 'other' });
    assert.equal(viaOther.server, cluster.url);
    assert.equal(viaOther.namespace, 'shop');
  });

  it('tells whether a namespace exists, and creates one (issue 10, defect 4)', async () => {
    const kube = await connectKube({ kubeconfig: cluster.kubeconfigPath });
    assert.equal(await namespaceExists(kube, 'default'), true);
    assert.equal(await namespaceExists(kube, 'brand-new'), false);
    await createNamespace(kube, 'brand-new');
    assert.equal(await namespaceExists(kube, 'brand-new'), true);
    await createNamespace(kube, 'brand-new');
  });

  it('counts a namespace it may not read (403: a namespace-scoped Role) as existing, so least-privilege users are not stopped', async () => {
    const kube = await connectKube({ kubeconfig: cluster.kubeconfigPath });
    cluster.faults.failRequests({ method: 'GET', path: /^\/api\/v1\/namespaces\/[^/]+$/, status: 403, times: 1 });
    // 'nowhere' does not exist: only the 403 can make it count as existing
    assert.equal(await namespaceExists(kube, 'nowhere'), true);
    assert.equal(await namespaceExists(kube, 'nowhere'), false);
  });

  it('refuses a kubeconfig without a current context', async () => {
    const path = join(dir, 'nocontext');
    await writeFile(path, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
    await assert.rejects(connectKube({ kubeconfig: path }), /has no current context; pass --context/);
  });
});
