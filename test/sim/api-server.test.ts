// The API server over HTTP: discovery, OpenAPI stub, status subresource, server-side apply
// ownership and conflicts, protobuf Secret bodies, error Status bodies and injected faults.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster } from '../../sim/cluster.js';
import type { Cluster } from '../../sim/cluster.js';
import { PROTOBUF_MAGIC, PROTOBUF_TYPES } from '../../sim/api/protobuf.js';
import { KINDS } from '../../sim/store/resources.js';

type JsonMap = Record<string, any>;

describe('simulated API server', () => {
  let cluster: Cluster;
  const call = async (method: string, path: string, body?: unknown, contentType = 'application/json', query = '') => {
    const res = await fetch(`${cluster.url}${path}${query}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': contentType },
      body: body === undefined ? undefined : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as JsonMap, contentType: res.headers.get('content-type') };
  };
  const apply = (path: string, body: unknown, manager: string, force = false) =>
    call('PATCH', path, body, 'application/apply-patch+yaml', `?fieldManager=${manager}&fieldValidation=Strict&force=${force}`);

  before(async () => {
    cluster = await startCluster({ controllers: [], namespaces: ['app'] });
  });
  after(() => cluster.stop());

  describe('discovery', () => {
    it('serves legacy and aggregated documents', async () => {
      const groups = await call('GET', '/apis');
      assert.equal(groups.body.kind, 'APIGroupList');
      const istio = groups.body.groups.find((g: JsonMap) => g.name === 'networking.istio.io');
      assert.deepEqual(istio.preferredVersion.version, 'v1');
      const res = await fetch(`${cluster.url}/apis`, { headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' } });
      assert.equal(res.headers.get('content-type'), 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
      const aggregated = (await res.json()) as JsonMap;
      assert.equal(aggregated.kind, 'APIGroupDiscoveryList');
      const apps = aggregated.items.find((i: JsonMap) => i.metadata.name === 'apps');
      assert.ok(apps.versions[0].resources.some((r: JsonMap) => r.resource === 'deployments' && r.verbs.includes('patch')));
      const core = await call('GET', '/api/v1');
      assert.ok(core.body.resources.some((r: JsonMap) => r.name === 'services/status'));
    });

    it('serves an OpenAPI v3 stub whose PATCH operations declare fieldValidation', async () => {
      const root = await call('GET', '/openapi/v3');
      const url = root.body.paths['apis/apps/v1'].serverRelativeURL as string;
      const doc = await call('GET', url);
      const patch = doc.body.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
      assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'apps', version: 'v1', kind: 'Deployment' });
      assert.ok(patch.parameters.some((p: JsonMap) => p.name === 'fieldValidation' && p.in === 'query'));
    });
  });

  describe('status subresource', () => {
    it('keeps status out of main-resource writes and spec out of status writes', async () => {
      const dep = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd' },
        spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
        status: { replicas: 9 },
      };
      const created = await call('POST', '/apis/apps/v1/namespaces/app/deployments', dep);
      assert.equal(created.status, 201);
      assert.equal(created.body.status, undefined);
      const withStatus = await call('PUT', '/apis/apps/v1/namespaces/app/deployments/d/status', { ...created.body, spec: { ...created.body.spec, replicas: 4 }, status: { observedGeneration: 1 } });
      assert.equal(withStatus.body.status.observedGeneration, 1);
      assert.equal(withStatus.body.spec.replicas, 1);
      const main = await call('PATCH', '/apis/apps/v1/namespaces/app/deployments/d', { spec: { replicas: 2 }, status: { observedGeneration: 7 } }, 'application/merge-patch+json');
      assert.equal(main.body.status.observedGeneration, 1);
      assert.equal(main.body.metadata.generation, 2);
    });
  });

  describe('server-side apply', () => {
    const path = '/api/v1/namespaces/app/configmaps/cfg';
    const cm = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'app' }, data });

    it('creates on first apply (201), then updates (200)', async () => {
      assert.equal((await apply(path, cm({ a: '1', b: '2' }), 'helm')).status, 201);
      const second = await apply(path, cm({ a: '1', b: '3' }), 'helm');
      assert.equal(second.status, 200);
      assert.deepEqual(second.body.data, { a: '1', b: '3' });
    });

    it('removes fields the manager stopped applying, keeps fields of other managers', async () => {
      await call('PATCH', path, { data: { mine: 'kubectl' } }, 'application/merge-patch+json', '?fieldManager=kubectl-edit');
      const out = await apply(path, cm({ a: '1' }), 'helm');
      assert.deepEqual(out.body.data, { a: '1', mine: 'kubectl' });
      const managers = out.body.metadata.managedFields.map((m: JsonMap) => `${m.manager}/${m.operation}`);
      assert.deepEqual(managers.sort(), ['helm/Apply', 'kubectl-edit/Update']);
    });

    it('refuses to overwrite another manager\'s field without force, and takes it with force', async () => {
      await call('PATCH', path, { data: { a: 'edited' } }, 'application/merge-patch+json', '?fieldManager=kubectl-edit');
      const conflict = await apply(path, cm({ a: '1' }), 'helm');
      assert.equal(conflict.status, 409);
      assert.equal(conflict.body.reason, 'Conflict');
      assert.match(conflict.body.message, /conflict with "kubectl-edit" using v1: \.data\.a/);
      const forced = await apply(path, cm({ a: '1' }), 'helm', true);
      assert.equal(forced.status, 200);
      assert.equal(forced.body.data.a, '1');
    });

    it('merges keyed lists of built-in kinds', async () => {
      const svc = (ports: JsonMap[]) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'app' }, spec: { ports } });
      await apply('/api/v1/namespaces/app/services/s', svc([{ name: 'http', port: 80 }]), 'helm');
      const out = await apply('/api/v1/namespaces/app/services/s', svc([{ name: 'http', port: 80 }, { name: 'grpc', port: 90 }]), 'helm');
      assert.deepEqual(out.body.spec.ports.map((p: JsonMap) => p.port), [80, 90]);
      assert.match(out.body.spec.clusterIP, /^10\.96\./);
    });
  });

  describe('protobuf Secrets', () => {
    it('creates a Secret from a protobuf body and answers JSON with base64 data', async () => {
      const { Unknown, Secret } = PROTOBUF_TYPES;
      const raw = Secret.encode(Secret.fromObject({ metadata: { name: 'release', labels: { owner: 'helm' } }, data: { release: Buffer.from('payload') }, type: 'helm.sh/release.v1' })).finish();
      const body = Buffer.concat([PROTOBUF_MAGIC, Unknown.encode(Unknown.fromObject({ typeMeta: { apiVersion: 'v1', kind: 'Secret' }, raw })).finish()]);
      const created = await call('POST', '/api/v1/namespaces/app/secrets', body, 'application/vnd.kubernetes.protobuf');
      assert.equal(created.status, 201);
      assert.equal(created.contentType, 'application/json');
      assert.equal(Buffer.from(created.body.data.release, 'base64').toString(), 'payload');
      const listed = await call('GET', '/api/v1/namespaces/app/secrets', undefined, undefined, '?labelSelector=owner%3Dhelm');
      assert.deepEqual(listed.body.items.map((s: JsonMap) => s.metadata.name), ['release']);
    });
  });

  describe('errors', () => {
    it('answers metav1.Status bodies with the right code and reason', async () => {
      const missing = await call('GET', '/api/v1/namespaces/app/configmaps/nope');
      assert.deepEqual([missing.status, missing.body.kind, missing.body.reason], [404, 'Status', 'NotFound']);
      const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dup' } };
      await call('POST', '/api/v1/namespaces/app/configmaps', cm);
      const dup = await call('POST', '/api/v1/namespaces/app/configmaps', cm);
      assert.deepEqual([dup.status, dup.body.reason], [409, 'AlreadyExists']);
      const bad = await call('POST', '/api/v1/namespaces/app/configmaps', { ...cm, metadata: { name: 'Not_Valid' } });
      assert.deepEqual([bad.status, bad.body.reason], [422, 'Invalid']);
      const noNs = await call('POST', '/api/v1/namespaces/ghost/configmaps', cm);
      assert.equal(noNs.status, 404);
      const media = await call('PATCH', '/api/v1/namespaces/app/configmaps/dup', {}, 'text/plain');
      assert.equal(media.status, 415);
      const strategicOnCrd = await call('PATCH', '/apis/networking.istio.io/v1/namespaces/app/virtualservices/x', {}, 'application/strategic-merge-patch+json');
      assert.equal(strategicOnCrd.status, 404);
      const unknown = await call('GET', '/apis/apps/v1/namespaces/app/widgets');
      assert.equal(unknown.status, 404);
    });

    it('applies injected faults: status codes, then normal service once the rule expires', async () => {
      cluster.faults.failRequests({ method: 'GET', path: /configmaps\/dup$/, status: 503, times: 1 });
      const failed = await call('GET', '/api/v1/namespaces/app/configmaps/dup');
      assert.deepEqual([failed.status, failed.body.reason], [503, 'ServiceUnavailable']);
      assert.equal((await call('GET', '/api/v1/namespaces/app/configmaps/dup')).status, 200);
      cluster.faults.failRequests({ path: /configmaps\/dup$/, drop: true, times: 1 });
      await assert.rejects(fetch(`${cluster.url}/api/v1/namespaces/app/configmaps/dup`));
    });

    it('logs every request', () => {
      const posts = cluster.requests.find('POST', /\/configmaps$/);
      assert.ok(posts.length >= 2);
      assert.ok(posts.some((r) => r.status === 409));
      assert.ok(cluster.store.get(KINDS.configMap, 'app', 'dup'));
    });
  });
});
