// The kube adapter's pure parts: image references, Istio weights, manifest discovery, error
// classification. No cluster.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { decodeHelmRelease } from '../../src/kube/helm-release-codec.js';
import { parseImage } from '../../src/kube/image-ref.js';
import { splitRoute, subsetNames, subsetWeights } from '../../src/kube/istio-traffic.js';
import {
  ClusterUnreachableError,
  ConflictError,
  KubeApiError,
  NotFoundError,
  ReleaseObjectsError,
  classifyKubeError,
  redactUrl,
} from '../../src/kube/kube-errors.js';
import { discoverReleaseObjects } from '../../src/kube/release-objects.js';

describe('parseImage', () => {
  const cases: Array<[string, string, string, string?]> = [
    ['nginx', 'nginx', 'latest'],
    ['nginx:1.27', 'nginx', '1.27'],
    ['reg:5000/app:1.2', 'reg:5000/app', '1.2'],
    ['reg:5000/app', 'reg:5000/app', 'latest'],
    ['ghcr.io/org/team/app:v2.0.0-rc.1', 'ghcr.io/org/team/app', 'v2.0.0-rc.1'],
    ['reg:5000/app:1.2@sha256:abc', 'reg:5000/app', '1.2', 'sha256:abc'],
    ['app@sha256:abc', 'app', 'sha256:abc', 'sha256:abc'],
  ];
  for (const [image, repository, tag, digest] of cases) {
    it(image, () => assert.deepEqual(parseImage(image), { repository, tag, ...(digest ? { digest } : {}) }));
  }
});

describe('decodeHelmRelease', () => {
  const release = { name: 'web', version: 3, info: { status: 'deployed' }, config: { image: { tag: '1.1.0' } } };
  // What the API returns: the Secret's base64 over helm's own base64 of the payload.
  const asSecretData = (payload: Buffer) => Buffer.from(payload.toString('base64')).toString('base64');

  it('reads helm\'s gzipped release', () => {
    assert.deepEqual(decodeHelmRelease(asSecretData(gzipSync(JSON.stringify(release)))), release);
  });
  it('reads a release stored without gzip, as helm does', () => {
    assert.deepEqual(decodeHelmRelease(asSecretData(Buffer.from(JSON.stringify(release)))), release);
  });
  it('fails on what is not a release object', () => {
    assert.throws(() => decodeHelmRelease(''));
    assert.throws(() => decodeHelmRelease(asSecretData(Buffer.from('[1]'))), /not a release object/);
    assert.throws(() => decodeHelmRelease(asSecretData(gzipSync('{').subarray(0, 8))));
  });
});

describe('Istio traffic', () => {
  const vs = (http: unknown[]) => ({ spec: { http } });
  const d = (subset: string, weight?: number) => ({ destination: { host: 'web', subset }, ...(weight === undefined ? {} : { weight }) });

  it('takes the first unconditional route that reaches a release subset', () => {
    const v = vs([
      { match: [{ headers: {} }], route: [d('canary')] },
      { route: [d('other', 100)] },
      { route: [d('production', 75), d('canary', 25)] },
    ]);
    assert.deepEqual(splitRoute(v, ['production', 'canary'])?.route?.length, 2);
    assert.deepEqual(subsetWeights(v, ['production', 'canary']), { production: 75, canary: 25 });
  });
  it('falls back to the first conditional route, sums repeated subsets, lone destination is 100', () => {
    assert.deepEqual(subsetWeights(vs([{ match: [{}], route: [d('production', 60), d('production', 30), d('canary', 10)] }]), ['production', 'canary']), {
      production: 90,
      canary: 10,
    });
    assert.deepEqual(subsetWeights(vs([{ route: [d('production')] }]), ['production', 'canary']), { production: 100 });
    assert.deepEqual(subsetWeights({ spec: {} }, ['production']), {});
  });
  it('lists DestinationRule subsets', () => {
    assert.deepEqual(subsetNames({ spec: { subsets: [{ name: 'production' }, { name: 'canary' }, {}] } }), ['production', 'canary']);
    assert.deepEqual(subsetNames(undefined), []);
  });
});

const MANIFEST = `---
# Source: web/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: shop-web
spec:
  selector: { app: web }
---
# Source: web/templates/deployment-canary.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-web-canary
spec:
  template:
    metadata:
      labels: { app: web, canary: "true" }
    spec:
      containers: [{ name: web, image: "reg:5000/web:1.1.0" }]
---
# Source: web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-web
spec:
  template:
    metadata:
      labels: { app: web, canary: "false" }
    spec:
      containers: [{ name: web, image: "reg:5000/web:1.0.0" }]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: shop-web
spec:
  host: shop-web
  subsets:
    - name: stable
      labels: { canary: "false" }
    - name: preview
      labels: { canary: "true" }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: shop-web
spec:
  hosts: [shop-web]
  http:
    - route:
        - destination: { host: shop-web, subset: stable }
          weight: 100
        - destination: { host: shop-web, subset: preview }
          weight: 0
---
`;

describe('discoverReleaseObjects', () => {
  it('finds the Deployments by the canary label, the Istio objects and the subset names', () => {
    assert.deepEqual(discoverReleaseObjects(MANIFEST, 'shop'), {
      production: 'shop-web',
      canary: 'shop-web-canary',
      virtualService: 'shop-web',
      destinationRule: 'shop-web',
      subsets: { production: 'stable', canary: 'preview' },
    });
  });

  it('falls back to a -canary name, default subsets, and no DestinationRule', () => {
    const manifest = [
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec: { template: { metadata: { labels: { app: web } } } }',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web-canary }\nspec: { template: { metadata: { labels: { app: web } } } }',
      'apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata: { name: web }\nspec: { http: [] }',
    ].join('\n---\n');
    assert.deepEqual(discoverReleaseObjects(manifest, 'web'), {
      production: 'web',
      canary: 'web-canary',
      virtualService: 'web',
      subsets: { production: 'production', canary: 'canary' },
    });
  });

  it('applies overrides', () => {
    const found = discoverReleaseObjects(MANIFEST, 'shop', { canary: 'x', subsets: { canary: 'c' } });
    assert.equal(found.canary, 'x');
    assert.deepEqual(found.subsets, { production: 'stable', canary: 'c' });
  });

  it('lists everything missing in one error', () => {
    assert.throws(
      () => discoverReleaseObjects('apiVersion: v1\nkind: Service\nmetadata: { name: s }\n', 'shop'),
      (err: unknown) => {
        assert.ok(err instanceof ReleaseObjectsError);
        assert.equal(err.missing.length, 3);
        assert.match(err.message, /^release shop: the manifest lacks the production Deployment .*; the canary Deployment .*; a VirtualService/);
        return true;
      },
    );
  });

  it('stays free of the Kubernetes client (commands without a cluster must not load it)', () => {
    for (const file of ['release-objects', 'kube-errors', 'image-ref', 'istio-traffic', 'object-names']) {
      const src = readFileSync(new URL(`../../src/kube/${file}.ts`, import.meta.url), 'utf8');
      assert.doesNotMatch(src, /from '@kubernetes\/client-node'/, file);
      assert.doesNotMatch(src, /from '\.\/(kube-context|record-store|release-lock|cluster-reader|index)\.js'/, file);
    }
  });
});

describe('classifyKubeError', () => {
  // What client-node 1.4 throws: an ApiException whose body is the raw response text.
  const apiException = (code: number, body: unknown) => Object.assign(new Error(`HTTP-Code: ${code}`), { code, body: JSON.stringify(body), headers: {} });

  it('maps HTTP failures by code with the server message', () => {
    const conflict = classifyKubeError(apiException(409, { reason: 'Conflict', message: 'the object has been modified' }), { what: 'ConfigMap a/b' });
    assert.ok(conflict instanceof ConflictError);
    assert.equal(conflict.message, 'ConfigMap a/b: the object has been modified');
    assert.ok(classifyKubeError(apiException(404, { reason: 'NotFound', message: 'x not found' })) instanceof NotFoundError);
    const forbidden = classifyKubeError(apiException(403, { reason: 'Forbidden', message: 'cannot get leases' }));
    assert.ok(forbidden instanceof KubeApiError);
    assert.equal(forbidden.code, 403);
    const plain = classifyKubeError(Object.assign(new Error('x'), { code: 500, body: 'boom' }));
    assert.match(plain.message, /boom \(HTTP 500\)/);
  });

  it('maps network, DNS, TLS and timeout failures to ClusterUnreachableError', () => {
    const fetchError = (code: string) => Object.assign(new Error(`request failed, reason: ${code}`), { name: 'FetchError', type: 'system', code, errno: code });
    const server = 'https://k8s.example:6443';
    assert.match(classifyKubeError(fetchError('ECONNREFUSED'), { server }).message, /k8s\.example:6443: connection refused/);
    assert.match(classifyKubeError(fetchError('ENOTFOUND'), { server }).message, /DNS/);
    assert.match(classifyKubeError(fetchError('DEPTH_ZERO_SELF_SIGNED_CERT'), { server }).message, /TLS error/);
    const abort = Object.assign(new Error('The operation was aborted.'), { name: 'AbortError', type: 'aborted' });
    const timeout = classifyKubeError(abort, { server, timeoutMs: 5000 });
    assert.ok(timeout instanceof ClusterUnreachableError);
    assert.match(timeout.message, /no answer within 5000 ms/);
    const wrapped = Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNRESET' } });
    assert.ok(classifyKubeError(wrapped, { server }) instanceof ClusterUnreachableError);
    const other = new TypeError('bug');
    assert.equal(classifyKubeError(other), other);
  });

  it("maps undici's real fetch failures (client-node 2): a refused connection and a port fetch refuses", async () => {
    const failure = async (url: string) => {
      try {
        await fetch(url);
      } catch (err) {
        return err;
      }
      throw new Error(`${url} answered`);
    };
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const refused = classifyKubeError(await failure(`http://127.0.0.1:${closedPort}/`), { server: `http://127.0.0.1:${closedPort}` });
    assert.ok(refused instanceof ClusterUnreachableError, String(refused));
    assert.match(refused.message, /connection refused/);
    const badPort = classifyKubeError(await failure('http://127.0.0.1:1/'), { server: 'http://127.0.0.1:1' });
    assert.ok(badPort instanceof ClusterUnreachableError, String(badPort));
    assert.match(badPort.message, /127\.0\.0\.1:1: network error \(bad port\)/);
  });

  it('redacts user info from server URLs', () => {
    assert.equal(redactUrl('https://admin:pw@k8s.example:6443'), 'https://k8s.example:6443');
    assert.equal(redactUrl('https://k8s.example:6443'), 'https://k8s.example:6443');
  });
});
