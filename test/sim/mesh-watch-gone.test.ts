// The mesh's watches against a server that answers the way a real kube-apiserver does when its
// history no longer reaches back to the client's resourceVersion: an ERROR event with a 410
// Gone Status. The simulator never says that, so this server is a stub of a few routes: it
// serves Istio at v1beta1 only (an Istio before 1.22), lists at one resourceVersion, and answers
// the first watch of each collection with 410 after the cluster has moved on.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { meshOverApi } from '../../sim/mesh/index.js';
import type { ApiMesh } from '../../sim/mesh/index.js';

const NS = 'shop';
const HOST = `productpage.${NS}.svc.cluster.local`;

// The cluster at resourceVersion 1 (production takes everything) and at 2 (canary does).
function collections(version: 1 | 2): Record<string, object[]> {
  const meta = (name: string) => ({ name, namespace: NS, resourceVersion: String(version === 2 && name === 'productpage-vs' ? 2 : 1) });
  const podOf = (name: string, canary: boolean, tag: string) => ({
    metadata: { ...meta(name), labels: { app: 'productpage', canary: String(canary) } },
    spec: { containers: [{ name: 'app', image: `repo/productpage:${tag}` }] },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  });
  return {
    [`/api/v1/namespaces/${NS}/pods`]: [podOf('prod', false, '83'), podOf('canary', true, '84')],
    [`/api/v1/namespaces/${NS}/services`]: [{ metadata: meta('productpage'), spec: { selector: { app: 'productpage' } } }],
    [`/apis/networking.istio.io/v1beta1/namespaces/${NS}/destinationrules`]: [
      { metadata: meta('productpage'), spec: { host: HOST, subsets: [{ name: 'production', labels: { canary: 'false' } }, { name: 'canary', labels: { canary: 'true' } }] } },
    ],
    [`/apis/networking.istio.io/v1beta1/namespaces/${NS}/virtualservices`]: [
      {
        metadata: { ...meta('productpage-vs') },
        spec: { hosts: [HOST], http: [{ route: [{ destination: { host: HOST, subset: 'production' }, weight: version === 1 ? 100 : 0 }, { destination: { host: HOST, subset: 'canary' }, weight: version === 1 ? 0 : 100 }] }] },
      },
    ],
  };
}

describe('mesh over an API server whose watch history has expired', () => {
  let server: http.Server;
  let version: 1 | 2 = 1;
  const watchedFrom: Record<string, string[]> = {};
  const open = new Set<http.ServerResponse>();
  let kubeconfig: KubeConfig;

  before(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://stub');
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === '/apis/networking.istio.io') return json(200, { kind: 'APIGroup', name: 'networking.istio.io', versions: [{ groupVersion: 'networking.istio.io/v1beta1', version: 'v1beta1' }] });
      const items = collections(version)[url.pathname];
      if (!items) return json(404, { kind: 'Status', code: 404, message: `${url.pathname} not found` });
      if (url.searchParams.get('watch') !== 'true') return json(200, { kind: 'List', metadata: { resourceVersion: String(version) }, items });
      (watchedFrom[url.pathname] ??= []).push(url.searchParams.get('resourceVersion') ?? '');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (watchedFrom[url.pathname]!.length === 1) {
        // The first watch: the cluster moves on and the server no longer has resourceVersion 1.
        version = 2;
        res.end(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410, message: 'too old resource version: 1 (2)' } }) + '\n');
        return;
      }
      open.add(res);
      res.on('close', () => open.delete(res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    kubeconfig = new KubeConfig();
    kubeconfig.loadFromOptions({
      clusters: [{ name: 'stub', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'stub', token: 'stub' }],
      contexts: [{ name: 'stub', cluster: 'stub', user: 'stub' }],
      currentContext: 'stub',
    });
  });
  after(async () => {
    for (const res of open) res.end();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('lists again on 410 Gone, watches from the new resourceVersion and routes by the newer state', async () => {
    let mesh: ApiMesh | undefined;
    try {
      mesh = await meshOverApi({ kubeconfig, namespace: NS, propagationDelayMs: 0 });
      assert.equal(mesh.source.istioVersion, 'v1beta1');
      const recovered = () => Object.values(watchedFrom).length === 4 && Object.values(watchedFrom).every((rvs) => rvs.length >= 2);
      for (let i = 0; i < 300 && !recovered(); i++) await sleep(10);
      // Whatever each first watch started from, the one after the 410 starts from the new list's.
      for (const rvs of Object.values(watchedFrom)) assert.equal(rvs[1], '2', JSON.stringify(watchedFrom));
      assert.ok(Object.values(watchedFrom).some((rvs) => rvs[0] === '1'), JSON.stringify(watchedFrom));
      assert.ok(Object.values(mesh.source.stats()).every((s) => s.gone === 1), JSON.stringify(mesh.source.stats()));
      const r = mesh.route(HOST);
      assert.ok(r.ok && r.subset === 'canary' && r.version === '84', JSON.stringify(r));
    } finally {
      mesh?.stop();
    }
  });
});
