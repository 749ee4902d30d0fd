// The reference chart, rendered and linted by the real helm 3 and helm 4.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExecaHelmRunner, HelmError } from '../../src/helm/index.js';
import { HELM_MAJORS, helmBinaries, isolatedHelmEnv, repoRoot, type IsolatedHelm } from '../helm/helm-env.js';
import { findManifest, parseManifests, virtualServiceWeights, type Manifest } from './manifests.js';

const CHART = join(repoRoot, 'charts', 'canary-app');
const ISTIO_KINDS = ['DestinationRule', 'VirtualService', 'Gateway'];

for (const major of HELM_MAJORS) {
  describe(`charts/canary-app with helm ${major}`, () => {
    let isolated: IsolatedHelm;
    let helm: ExecaHelmRunner;
    before(async () => {
      isolated = isolatedHelmEnv();
      helm = new ExecaHelmRunner({ binary: (await helmBinaries())[major], env: isolated.env });
    });
    after(() => isolated.cleanup());

    const render = async (release: string, ...args: string[]): Promise<Manifest[]> =>
      parseManifests(await helm.template(['template', release, CHART, '--namespace', 'bookinfo', ...args]));
    const renderError = async (...args: string[]): Promise<HelmError> => {
      const error = await helm.template(['template', 'productpage', CHART, ...args]).then(
        () => assert.fail('helm template should have failed'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof HelmError, String(error));
      return error;
    };

    it('passes helm lint', async () => {
      const result = await helm.lint(CHART);
      assert.equal(result.ok, true, result.output);
      assert.match(result.output, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    });

    it('renders the stable state by default: two Deployments, one Service, DR, VS, no Gateway', async () => {
      const manifests = await render('productpage');
      assert.deepEqual(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort(), [
        'Deployment/productpage-canary',
        'Deployment/productpage-production',
        'DestinationRule/productpage',
        'Service/productpage',
        'VirtualService/productpage',
      ]);
      const production = findManifest(manifests, 'Deployment', 'productpage-production');
      const canary = findManifest(manifests, 'Deployment', 'productpage-canary');
      assert.equal(production.apiVersion, 'apps/v1');
      assert.deepEqual(production.spec.selector.matchLabels, { app: 'productpage', canary: 'false' });
      assert.deepEqual(canary.spec.selector.matchLabels, { app: 'productpage', canary: 'true' });
      assert.equal(production.spec.replicas, 2);
      assert.equal(canary.spec.replicas, 0);
      const container = production.spec.template.spec.containers[0];
      assert.equal(container.readinessProbe.httpGet.port, 'http');
      assert.equal(container.livenessProbe.httpGet.port, 'http');
      // The Service selects both Deployments; the DestinationRule splits them by the canary label.
      assert.deepEqual(findManifest(manifests, 'Service').spec.selector, { app: 'productpage' });
      const dr = findManifest(manifests, 'DestinationRule');
      assert.equal(dr.spec.host, 'productpage.bookinfo.svc.cluster.local');
      assert.deepEqual(dr.spec.subsets, [
        { name: 'production', labels: { canary: 'false' } },
        { name: 'canary', labels: { canary: 'true' } },
      ]);
      const vs = findManifest(manifests, 'VirtualService');
      assert.deepEqual(vs.spec.hosts, ['productpage.bookinfo.svc.cluster.local']);
      assert.deepEqual(vs.spec.gateways, ['mesh']);
      assert.deepEqual(virtualServiceWeights(vs), { production: 100, canary: 0 });
      for (const route of vs.spec.http[0].route) {
        assert.equal(route.destination.host, 'productpage.bookinfo.svc.cluster.local');
        assert.equal(route.destination.port.number, 9080);
      }
      for (const m of manifests.filter((m) => ISTIO_KINDS.includes(m.kind))) {
        assert.equal(m.apiVersion, 'networking.istio.io/v1');
      }
    });

    it('renders a numeric tag such as 84 as it is', async () => {
      const values = join(isolated.dir, 'numeric-tag.yaml');
      writeFileSync(values, 'canaryDeployment:\n  image:\n    repository: myacr.azurecr.io/bookinfo/productpage\n    tag: 84\n');
      const canary = findManifest(await render('productpage', '--values', values), 'Deployment', 'productpage-canary');
      assert.equal(canary.spec.template.spec.containers[0].image, 'myacr.azurecr.io/bookinfo/productpage:84');
      assert.equal(canary.spec.template.metadata.labels.version, '84');
    });

    it('fails when the weights do not sum to 100 (90 + 20)', async () => {
      const error = await renderError('--set', 'productionDeployment.weight=90', '--set', 'canaryDeployment.weight=20');
      assert.equal(error.kind, 'invalid-values');
      assert.equal(error.exitCode, 1);
      assert.match(error.stderr, /productionDeployment\.weight \(90\) \+ canaryDeployment\.weight \(20\) must be 100, got 110/);
      assert.match(error.message, /must be 100, got 110/);
    });

    it('rejects a weight of 120 by the values schema', async () => {
      const error = await renderError('--set', 'productionDeployment.weight=120', '--set', 'canaryDeployment.weight=-20');
      assert.equal(error.kind, 'invalid-values');
      assert.match(error.stderr, /values don't meet the specifications of the schema/);
      // helm 3 names the field "productionDeployment.weight", helm 4 "/productionDeployment/weight".
      assert.match(error.stderr, /productionDeployment[./]weight/);
      assert.match(error.stderr, /canaryDeployment[./]weight/);
    });

    it('rejects negative replicas and a non-integer weight by the values schema', async () => {
      const values = join(isolated.dir, 'bad-numbers.yaml');
      writeFileSync(values, 'productionDeployment:\n  replicaCount: -1\n  weight: 50.5\ncanaryDeployment:\n  weight: 49.5\n');
      const error = await renderError('--values', values);
      assert.equal(error.kind, 'invalid-values');
      assert.match(error.stderr, /productionDeployment[./]replicaCount/);
      assert.match(error.stderr, /productionDeployment[./]weight/);
    });

    it('renders the Istio API version it is given (v1beta1 for older meshes)', async () => {
      const manifests = await render('productpage', '--set', 'istio.apiVersion=networking.istio.io/v1beta1', '--set', 'gateway.enabled=true');
      const istio = manifests.filter((m) => ISTIO_KINDS.includes(m.kind));
      assert.equal(istio.length, 3);
      for (const m of istio) assert.equal(m.apiVersion, 'networking.istio.io/v1beta1', m.kind);
    });

    it('adds the Gateway when gateway.enabled and binds the VirtualService to it and the mesh', async () => {
      const manifests = await render('productpage', '--set', 'gateway.enabled=true', '--set', 'hosts[0]=shop.example.com');
      const gateway = findManifest(manifests, 'Gateway', 'productpage');
      assert.deepEqual(gateway.spec.selector, { istio: 'ingressgateway' });
      assert.deepEqual(gateway.spec.servers[0].hosts, ['productpage.bookinfo.svc.cluster.local', 'shop.example.com']);
      const vs = findManifest(manifests, 'VirtualService');
      assert.deepEqual(vs.spec.gateways, ['mesh', 'productpage']);
      assert.deepEqual(vs.spec.hosts, ['productpage.bookinfo.svc.cluster.local', 'shop.example.com']);
    });

    it('gives two releases in one namespace distinct names and selectors', async () => {
      const [shop, cart] = await Promise.all([render('shop'), render('cart')]);
      const names = (ms: Manifest[]) => ms.map((m) => `${m.kind}/${m.metadata.name}`);
      assert.deepEqual(names(shop).filter((n) => names(cart).includes(n)), []);
      assert.equal(findManifest(cart, 'Service').metadata.name, 'cart');
      assert.deepEqual(findManifest(cart, 'Service').spec.selector, { app: 'cart' });
      assert.equal(findManifest(cart, 'DestinationRule').spec.host, 'cart.bookinfo.svc.cluster.local');
      assert.deepEqual(findManifest(cart, 'Deployment', 'cart-production').spec.selector.matchLabels, { app: 'cart', canary: 'false' });
    });
  });
}
