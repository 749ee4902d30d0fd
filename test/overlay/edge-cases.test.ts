// The overlay on small hand-written manifests, one edge case each: hooks, several Deployments,
// containers or Services, selectors it cannot split, several ports, adoption, a PDB, and label
// values that must stay strings.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { overlayManifest, OverlayError } from '../../src/overlay/transform.js';
import { describeOverlay } from '../../src/overlay/describe.js';
import { deployment, documentText, find, manifestOf, matches, objectsOf, overlayInput, service } from './overlay-fixtures.js';

function assertOverlayError(run: () => unknown, message: RegExp, hint?: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof OverlayError, `expected an OverlayError, got ${String(error)}`);
    assert.match(error.message, message);
    assert.ok(error.hints.length > 0, 'an OverlayError says what to do');
    if (hint) assert.ok(error.hints.some((h) => hint.test(h)), `no hint matches ${hint}: ${error.hints.join(' | ')}`);
    return true;
  });
}

const WEB = deployment('web', '{app: web, release: r}', '{app: web, release: r, tier: front}');
const WEB_SVC = service('web', '{app: web, release: r}');

describe('hooks', () => {
  const hookDeployment = deployment('web-warmup', '{app: web, release: r}', '{app: web, release: r}', { annotations: '{"helm.sh/hook": post-install}' });
  const hookJob = `# Source: t/templates/job.yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    helm.sh/hook: pre-upgrade
spec:
  template:
    metadata: {labels: {release: r}}
    spec: {containers: [{name: m, image: "m:1"}], restartPolicy: Never}
`;

  it('are never chosen as the target and are written back exactly as read', () => {
    const manifest = manifestOf(hookDeployment, WEB, WEB_SVC, hookJob);
    const out = overlayManifest(manifest, overlayInput());
    assert.equal(documentText(out, 'Deployment', 'web-warmup'), documentText(manifest, 'Deployment', 'web-warmup'));
    assert.equal(documentText(out, 'Job', 'migrate'), documentText(manifest, 'Job', 'migrate'));
    const objects = objectsOf(out);
    assert.equal(find(objects, 'Deployment', 'web-canary').metadata.annotations['helm-canary.io/canary-of'], 'web');
    assert.equal(objects.filter((o) => o.metadata.name === 'web-warmup-canary').length, 0);
  });

  it('a chart whose only Deployment is a hook has nothing to canary', () => {
    assertOverlayError(() => overlayManifest(manifestOf(hookDeployment, WEB_SVC), overlayInput()), /renders no apps\/v1 Deployment/);
  });

  it('a hook Job whose pods the Service would select after the split is not an obstacle (hooks are left alone)', () => {
    // Q less k = {release: r} selects the hook Job's pods; hooks do not count as the chart's workloads.
    assert.doesNotThrow(() => overlayManifest(manifestOf(WEB, WEB_SVC, hookJob), overlayInput()));
  });
});

describe('choosing the Deployment, container and Service', () => {
  const API = deployment('api', '{app: api, app.kubernetes.io/instance: a}', '{app: api, app.kubernetes.io/instance: a}');
  const API_SVC = service('api', '{app: api, app.kubernetes.io/instance: a}');

  it('several Deployments and no target: an error naming them', () => {
    assertOverlayError(() => overlayManifest(manifestOf(WEB, API, WEB_SVC, API_SVC), overlayInput()), /2 Deployments \(web, api\)/, /target deployment: one of web, api/);
  });

  it('several Deployments with a target: that one, and the Service that selects its pods', () => {
    const objects = objectsOf(overlayManifest(manifestOf(WEB, API, WEB_SVC, API_SVC), overlayInput({ target: { deployment: 'api' } })));
    assert.equal(find(objects, 'Deployment', 'api-canary').spec.replicas, 1);
    assert.equal(find(objects, 'VirtualService', 'api').spec.hosts[0], 'api');
    assert.equal(find(objects, 'Deployment', 'web').spec.template.spec.containers[0].image, 'old/app:0', 'the other Deployment is untouched');
    assert.deepEqual(find(objects, 'Service', 'web').spec.selector, { app: 'web', release: 'r' });
  });

  it('a target Deployment the chart does not render: an error listing what it renders', () => {
    assertOverlayError(() => overlayManifest(manifestOf(WEB, WEB_SVC), overlayInput({ target: { deployment: 'nope' } })), /no Deployment named "nope" \(it renders web\)/);
  });

  it('several containers: an error without a target container; with one, only its image changes', () => {
    const two = deployment('web', '{app: web, release: r}', '{app: web, release: r}', { containers: ['app', 'proxy'] });
    assertOverlayError(() => overlayManifest(manifestOf(two, WEB_SVC), overlayInput()), /2 containers \(app, proxy\)/, /target container/);
    const objects = objectsOf(overlayManifest(manifestOf(two, WEB_SVC), overlayInput({ target: { container: 'proxy' } })));
    const images = (name: string) => find(objects, 'Deployment', name).spec.template.spec.containers.map((c: { image: string }) => c.image);
    assert.deepEqual(images('web'), ['old/app:0', 'registry.example/app:1.0.0']);
    assert.deepEqual(images('web-canary'), ['old/app:0', 'registry.example/app:2.0.0']);
    assertOverlayError(() => overlayManifest(manifestOf(two, WEB_SVC), overlayInput({ target: { container: 'sidecar' } })), /no container named "sidecar" \(it has app, proxy\)/);
  });

  it('the Service is the one whose selector matches the pods; two such: an error; a named one that does not match: an error', () => {
    const other = service('metrics', '{app: other}');
    const objects = objectsOf(overlayManifest(manifestOf(WEB, other, WEB_SVC), overlayInput()));
    assert.equal(find(objects, 'DestinationRule', 'web').spec.host, 'web');
    assert.deepEqual(find(objects, 'Service', 'metrics').spec.selector, { app: 'other' });
    const headless = service('web-headless', '{app: web, release: r}');
    assertOverlayError(() => overlayManifest(manifestOf(WEB, WEB_SVC, headless), overlayInput()), /2 Services select/, /target service/);
    assertOverlayError(() => overlayManifest(manifestOf(WEB, other, WEB_SVC), overlayInput({ target: { service: 'metrics' } })), /does not select Deployment "web"'s pods/);
    assertOverlayError(() => overlayManifest(manifestOf(WEB), overlayInput()), /No Service of the chart selects/);
  });
});

describe('selectors the overlay cannot split', () => {
  it('matchExpressions: an error that explains', () => {
    const expr = WEB.replace('matchLabels: {app: web, release: r}', 'matchExpressions: [{key: app, operator: In, values: [web]}]');
    assertOverlayError(() => overlayManifest(manifestOf(expr, WEB_SVC), overlayInput()), /matchExpressions/, /immutable/);
  });

  it('a one-label selector shared by the Deployment and the Service: an error asking for a second label and why', () => {
    const one = deployment('web', '{app: web}', '{app: web}');
    assertOverlayError(() => overlayManifest(manifestOf(one, service('web', '{app: web}')), overlayInput()), /needs the Deployment's selector to have two labels/, /nothing left for the Service to select by/);
  });

  it('a one-label Deployment selector is fine when the Service selects by another label', () => {
    const one = deployment('web', '{app: web}', '{app: web, release: r}');
    const manifest = manifestOf(one, service('web', '{release: r}'));
    const out = overlayManifest(manifest, overlayInput());
    const objects = objectsOf(out);
    assert.deepEqual(find(objects, 'Deployment', 'web-canary').spec.selector.matchLabels, { 'helm-canary.io/track': 'canary' });
    assert.equal(documentText(out, 'Service', 'web'), documentText(manifest, 'Service', 'web'), 'the Service is unchanged');
  });

  it('a split that would make the Service select another workload\'s pods: an error', () => {
    const db = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  selector: {matchLabels: {app: db, release: r}}
  template:
    metadata: {labels: {app: db, release: r}}
    spec: {containers: [{name: db, image: "db:1"}]}
`;
    assertOverlayError(() => overlayManifest(manifestOf(WEB, WEB_SVC, db), overlayInput()), /also select the pods of StatefulSet "db"/);
  });
});

describe('the split key', () => {
  it('is a key of the Deployment\'s selector the Service lacks, when there is one: the Service stays as rendered', () => {
    const d = deployment('web', '{app: web, release: r, version: stable}', '{app: web, release: r, version: stable}');
    const manifest = manifestOf(d, WEB_SVC);
    const out = overlayManifest(manifest, overlayInput());
    assert.equal(documentText(out, 'Service', 'web'), documentText(manifest, 'Service', 'web'));
    const canary = find(objectsOf(out), 'Deployment', 'web-canary');
    assert.deepEqual(canary.spec.selector.matchLabels, { app: 'web', release: 'r', 'helm-canary.io/track': 'canary' });
    assert.equal(describeOverlay(manifest, overlayInput()).splitKey, 'version');
  });

  it('prefers app over release when both are shared with the Service', () => {
    const out = objectsOf(overlayManifest(manifestOf(WEB, WEB_SVC), overlayInput()));
    assert.deepEqual(find(out, 'Service', 'web').spec.selector, { release: 'r' });
  });
});

describe('routing', () => {
  it('a Service with several ports: the route names the port called http', () => {
    const svc = service('web', '{app: web, release: r}', '[{name: grpc, port: 9090}, {name: http, port: 8080}]');
    const routes = find(objectsOf(overlayManifest(manifestOf(WEB, svc), overlayInput())), 'VirtualService', 'web');
    for (const r of routes.spec.http[0].route) assert.deepEqual(r.destination.port, { number: 8080 });
  });

  it('a Service with several ports and none called http: the first', () => {
    const svc = service('web', '{app: web, release: r}', '[{name: grpc, port: 9090}, {name: admin, port: 8080}]');
    const routes = find(objectsOf(overlayManifest(manifestOf(WEB, svc), overlayInput())), 'VirtualService', 'web');
    for (const r of routes.spec.http[0].route) assert.deepEqual(r.destination.port, { number: 9090 });
  });

  it("adopting: one destination, the Service without a subset or weight and with the chart's own selector; the DestinationRule is generated already", () => {
    const chart = objectsOf(manifestOf(WEB, WEB_SVC));
    const objects = objectsOf(overlayManifest(manifestOf(WEB, WEB_SVC), overlayInput({ adopting: true })));
    assert.deepEqual(find(objects, 'VirtualService', 'web').spec.http, [{ route: [{ destination: { host: 'web' } }] }]);
    assert.deepEqual(find(objects, 'Service', 'web').spec.selector, find(chart, 'Service', 'web').spec.selector, 'the whole Service is production\'s while it routes without subsets');
    assert.notDeepEqual(find(objectsOf(overlayManifest(manifestOf(WEB, WEB_SVC), overlayInput())), 'Service', 'web').spec.selector, find(chart, 'Service', 'web').spec.selector);
    assert.deepEqual(
      find(objects, 'DestinationRule', 'web').spec.subsets.map((s: { name: string }) => s.name),
      ['production', 'canary'],
    );
  });

  it('the Istio API version can be chosen; the Service\'s namespace is the generated objects\' namespace', () => {
    const svc = service('web', '{app: web, release: r}').replace('  name: web\n', '  name: web\n  namespace: shop\n');
    const objects = objectsOf(overlayManifest(manifestOf(WEB, svc), overlayInput({ istioApiVersion: 'networking.istio.io/v1beta1' })));
    for (const kind of ['VirtualService', 'DestinationRule']) {
      const o = find(objects, kind, 'web');
      assert.equal(o.apiVersion, 'networking.istio.io/v1beta1');
      assert.equal(o.metadata.namespace, 'shop');
    }
  });

  it('a chart that renders its own VirtualService of that name: an error (it uses mode: values)', () => {
    const vs = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: web}\nspec: {hosts: [web]}\n';
    assertOverlayError(() => overlayManifest(manifestOf(WEB, WEB_SVC, vs), overlayInput()), /already renders VirtualService "web"/, /mode: values/);
  });
});

describe('replicas and autoscalers', () => {
  const hpa = (target: string, apiVersion = 'autoscaling/v2') =>
    `apiVersion: ${apiVersion}\nkind: HorizontalPodAutoscaler\nmetadata: {name: ${target}}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: ${target}}\n  minReplicas: 1\n  maxReplicas: 5\n`;

  it('no replicas and no HPA: production gets the stage\'s replicas', () => {
    const d = deployment('web', '{app: web, release: r}', '{app: web, release: r}', { replicas: null });
    assert.equal(find(objectsOf(overlayManifest(manifestOf(d, WEB_SVC), overlayInput())), 'Deployment', 'web').spec.replicas, 3);
  });

  it('no replicas and an autoscaling/v1 HPA on the Deployment: replicas stay absent; canary 0 is written as 0', () => {
    const d = deployment('web', '{app: web, release: r}', '{app: web, release: r}', { replicas: null });
    const input = overlayInput();
    input.values.canary.replicas = 0;
    const objects = objectsOf(overlayManifest(manifestOf(d, WEB_SVC, hpa('web', 'autoscaling/v1')), input));
    assert.equal('replicas' in find(objects, 'Deployment', 'web').spec, false);
    assert.equal(find(objects, 'Deployment', 'web-canary').spec.replicas, 0);
  });

  it('an HPA on another Deployment does not stop production\'s replicas', () => {
    const d = deployment('web', '{app: web, release: r}', '{app: web, release: r}', { replicas: null });
    assert.equal(find(objectsOf(overlayManifest(manifestOf(d, WEB_SVC, hpa('other')), overlayInput())), 'Deployment', 'web').spec.replicas, 3);
  });

  it('replicas and an HPA both: production gets the stage\'s replicas, and describeOverlay warns', () => {
    const manifest = manifestOf(WEB, WEB_SVC, hpa('web'));
    assert.equal(find(objectsOf(overlayManifest(manifest, overlayInput())), 'Deployment', 'web').spec.replicas, 3);
    assert.match(describeOverlay(manifest, overlayInput()).warnings.join('\n'), /resets production to the stage's replicas/);
  });
});

describe('PodDisruptionBudgets', () => {
  const pdb = (selector: string) => `apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec:\n  minAvailable: 1\n  selector: ${selector}\n`;

  it('on the Deployment\'s selector: counts production\'s pods only, and is left as rendered', () => {
    const manifest = manifestOf(WEB, WEB_SVC, pdb('{matchLabels: {app: web, release: r}}'));
    const out = overlayManifest(manifest, overlayInput());
    assert.equal(documentText(out, 'PodDisruptionBudget', 'web'), documentText(manifest, 'PodDisruptionBudget', 'web'));
    const objects = objectsOf(out);
    assert.equal(matches({ app: 'web', release: 'r' }, find(objects, 'Deployment', 'web-canary').spec.template.metadata.labels), false);
    assert.deepEqual(describeOverlay(manifest, overlayInput()).disruptionBudgets, [{ name: 'web', countsProduction: true, countsCanary: false }]);
  });

  it('on the release label alone (or by matchExpressions): describeOverlay warns that it counts the canary\'s pods too', () => {
    for (const selector of ['{matchLabels: {release: r}}', '{matchExpressions: [{key: release, operator: Exists}]}']) {
      const d = describeOverlay(manifestOf(WEB, WEB_SVC, pdb(selector)), overlayInput());
      assert.deepEqual(d.disruptionBudgets, [{ name: 'web', countsProduction: true, countsCanary: true }], selector);
      assert.match(d.warnings.join('\n'), /counts the canary's pods as well as production's/);
    }
  });
});

describe('documents and values', () => {
  it('label values stay strings: "true", "on", "1.0" are written quoted', () => {
    const d = deployment('web', '{app: web, enabled: "true", mode: "on"}', '{app: web, enabled: "true", mode: "on", version: "1.0"}');
    const out = overlayManifest(manifestOf(d, service('web', '{enabled: "true", mode: "on"}')), overlayInput());
    const canary = find(objectsOf(out), 'Deployment', 'web-canary');
    assert.deepEqual(canary.spec.template.metadata.labels, { enabled: 'true', mode: 'on', version: '1.0', 'helm-canary.io/track': 'canary' });
    const rule = find(objectsOf(out), 'DestinationRule', 'web');
    assert.deepEqual(rule.spec.subsets[0].labels, { app: 'web', enabled: 'true', mode: 'on' });
    assert.doesNotMatch(out, /: (true|on)$/m, 'no unquoted true/on anywhere: Go\'s YAML reads them as booleans');
  });

  it('empty documents and documents with only helm\'s comment pass through', () => {
    const manifest = `---\n# Source: t/templates/empty.yaml\n---\n${WEB}---\n\n---\n${WEB_SVC}`;
    const out = overlayManifest(manifest, overlayInput());
    assert.match(out, /^---\n# Source: t\/templates\/empty.yaml\n---\n/);
    assert.equal(overlayManifest(out, overlayInput()), out);
  });

  it('objects a previous run generated are replaced, so a stale weight or canary does not survive', () => {
    const once = overlayManifest(manifestOf(WEB, WEB_SVC), overlayInput());
    const input = overlayInput();
    input.values.production.weight = 0;
    input.values.canary.weight = 100;
    input.values.canary.tag = '3.0.0';
    const twice = objectsOf(overlayManifest(once, input));
    assert.equal(twice.filter((o) => o.kind === 'VirtualService').length, 1);
    assert.deepEqual(find(twice, 'VirtualService', 'web').spec.http[0].route.map((r: { weight: number }) => r.weight), [0, 100]);
    assert.equal(twice.filter((o) => o.kind === 'Deployment').length, 2);
    assert.equal(find(twice, 'Deployment', 'web-canary').spec.template.spec.containers[0].image, 'registry.example/app:3.0.0');
  });

  it('a canary name over 253 characters: an error', () => {
    const long = 'a'.repeat(250);
    assertOverlayError(() => overlayManifest(manifestOf(deployment(long, '{app: web, release: r}', '{app: web, release: r}'), WEB_SVC), overlayInput()), /not a valid Kubernetes name/);
  });

  it('a manifest that is not YAML: an OverlayError', () => {
    assertOverlayError(() => overlayManifest('---\nkind: [unclosed\n', overlayInput()), /not valid YAML/);
  });
});

describe('what the overlay changes in the chart\'s own documents', () => {
  it('production already at the stage\'s image and replicas: its document is written back byte for byte', () => {
    const d = deployment('web', '{app: web, release: r}', '{app: web, release: r}').replace('image: old/app:0', 'image: "registry.example/app:1.0.0"  # pinned').replace('replicas: 2', 'replicas: 3');
    const manifest = manifestOf(d, WEB_SVC);
    assert.equal(documentText(overlayManifest(manifest, overlayInput()), 'Deployment', 'web'), documentText(manifest, 'Deployment', 'web'));
  });

  it('production re-written for a new image keeps every other value, comments and big integers included', () => {
    const d = `# Source: t/templates/web.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations: {note: keep}
spec:
  replicas: 3 # how many
  revisionHistoryLimit: 010
  selector:
    matchLabels: {app: web, release: r}
  template:
    metadata:
      labels: {app: web, release: r}
    spec:
      terminationGracePeriodSeconds: 12345678901234567890
      containers:
        - name: app
          image: old/app:0
          args: [--level, "on", 1e3]
          env:
            - {name: WHEN, value: "2024-01-01"}
`;
    const manifest = manifestOf(d, WEB_SVC);
    const out = overlayManifest(manifest, overlayInput());
    assert.match(documentText(out, 'Deployment', 'web'), /^# Source: t\/templates\/web.yaml\n/);
    assert.match(documentText(out, 'Deployment', 'web'), /replicas: 3 # how many/);
    assert.match(documentText(out, 'Deployment', 'web'), /terminationGracePeriodSeconds: 12345678901234567890/);
    const [before, after] = [manifest, out].map((m) => find(objectsOf(m), 'Deployment', 'web'));
    after.spec.template.spec.containers[0].image = before.spec.template.spec.containers[0].image;
    assert.deepEqual(after, before, 'only the image changed');
  });
});

describe('describeOverlay', () => {
  it('says what each choice means for people, and lists hooks', () => {
    const hook = deployment('warm', '{app: warm, x: y}', '{app: warm, x: y}', { annotations: '{"helm.sh/hook": post-install}' });
    const d = describeOverlay(manifestOf(WEB, WEB_SVC, hook), overlayInput({ routing: { hosts: ['web.example.com'], gateways: ['gw'] } }));
    assert.equal(d.canaryDeployment, 'web-canary');
    assert.deepEqual(d.productionSubset, { app: 'web', release: 'r' });
    assert.deepEqual(d.canarySubset, { release: 'r', 'helm-canary.io/track': 'canary' });
    assert.equal(d.serviceSelectorChanged, true);
    assert.deepEqual(d.hosts, ['web', 'web.example.com']);
    assert.deepEqual(d.gateways, ['gw', 'mesh']);
    assert.deepEqual(d.hooks, [{ kind: 'Deployment', name: 'warm', hook: 'post-install' }]);
    const notes = d.notes.join('\n');
    assert.match(notes, /The canary's pods lack app, so Deployment "web"'s selector \(unchanged\) never counts them/);
    assert.match(notes, /Service "web" loses app from its selector/);
    assert.match(notes, /restarts no pod/);
    assert.match(notes, /Hooks are left exactly as rendered: Deployment "warm" \(post-install\)/);
  });

  it("warns when the Service, once it lost the split key, selects a hook's pods too", () => {
    const hookJob = (name: string, labels: string) =>
      `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: ${name}\n  annotations: {"helm.sh/hook": pre-upgrade}\nspec:\n  template:\n    metadata:\n      labels: ${labels}\n    spec:\n      restartPolicy: Never\n      containers: [{name: m, image: old/app:0}]\n`;
    // The Service selects {app: web, release: r}; after the overlay {release: r}, which a
    // migration Job labelled with the release's label matches, and one labelled otherwise does not.
    const d = describeOverlay(manifestOf(WEB, WEB_SVC, hookJob('web-migrate', '{app: web-migrate, release: r}'), hookJob('seed', '{app: seed}')), overlayInput());
    assert.deepEqual(d.warnings.filter((w) => /hook/.test(w)), [
      'Service "web"\'s selector after the overlay (release=r) also matches the pods of hook Job "web-migrate": the mesh routes by subset and sends them nothing, but clients outside the mesh (kube-proxy, an Ingress controller without a sidecar) may reach them while the hook runs. Give the hook\'s pods a label value the Service\'s selector does not match.',
    ]);
    // The transform itself goes on: hooks are the chart's to label, and mesh traffic never reaches them.
    assert.doesNotThrow(() => overlayManifest(manifestOf(WEB, WEB_SVC, hookJob('web-migrate', '{app: web-migrate, release: r}')), overlayInput()));
  });

  it('throws the same OverlayError the transform would', () => {
    assertOverlayError(() => describeOverlay(manifestOf(WEB), overlayInput()), /No Service of the chart selects/);
  });
});

describe('other objects that select pods by label', () => {
  const netpol = (selector: string) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web}\nspec:\n  podSelector: ${selector}\n  policyTypes: [Ingress]\n`;
  const authz = (labels: string) => `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: ${labels}}\n  action: ALLOW\n`;

  it('a NetworkPolicy or Istio policy on the Deployment\'s selector does not apply to the canary: describeOverlay warns; the objects are left as rendered', () => {
    const manifest = manifestOf(WEB, WEB_SVC, netpol('{matchLabels: {app: web, release: r}}'), authz('{app: web}'));
    const warnings = describeOverlay(manifest, overlayInput()).warnings.join('\n');
    assert.match(warnings, /NetworkPolicy "web" selects production's pods by label but not the canary's \(they lack app\)/);
    assert.match(warnings, /AuthorizationPolicy "web" selects production's pods/);
    const out = overlayManifest(manifest, overlayInput());
    assert.equal(documentText(out, 'NetworkPolicy', 'web'), documentText(manifest, 'NetworkPolicy', 'web'));
  });

  it('selectors both tracks match raise no warning', () => {
    const manifest = manifestOf(WEB, WEB_SVC, netpol('{matchLabels: {release: r}}'), authz('{release: r}'), service('web-headless', '{release: r}'));
    assert.deepEqual(describeOverlay(manifest, overlayInput({ target: { service: 'web' } })).warnings, []);
  });

  it('another Service on the Deployment\'s selector (say a headless one) does not reach the canary: describeOverlay warns', () => {
    const manifest = manifestOf(WEB, WEB_SVC, service('web-headless', '{app: web, release: r}'));
    assert.match(describeOverlay(manifest, overlayInput({ target: { service: 'web' } })).warnings.join('\n'), /Service "web-headless" selects production's pods by label but not the canary's/);
  });
});

describe('keys a template writes twice', () => {
  it('are read as helm reads them (the last wins), and the split key leaves the canary and the Service in every copy', () => {
    const d = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  replicas: 2
  selector:
    matchLabels:
      app: web
      release: r
  template:
    metadata:
      labels:
        app: web
        release: r
        app: web
    spec:
      containers:
        - name: app
          image: old/app:0
          image: old/app:1
`;
    const svc = `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n    release: r\n    app: web\n  ports: [{port: 80}]\n`;
    const input = overlayInput();
    const out = overlayManifest(manifestOf(d, svc), input);
    const objects = objectsOf(out);
    assert.deepEqual(find(objects, 'Service', 'web').spec.selector, { release: 'r' });
    const canary = find(objects, 'Deployment', 'web-canary');
    assert.deepEqual(canary.spec.template.metadata.labels, { release: 'r', 'helm-canary.io/track': 'canary' });
    assert.equal(canary.spec.template.spec.containers[0].image, 'registry.example/app:2.0.0');
    assert.equal(find(objects, 'Deployment', 'web').spec.template.spec.containers[0].image, 'registry.example/app:1.0.0');
    assert.equal(find(objects, 'Deployment', 'web').spec.replicas, 3);
    assert.equal(overlayManifest(out, input), out);
  });
});

describe('the stage values', () => {
  it('a weight Istio cannot take or a negative replica count: an OverlayError, nothing written', () => {
    for (const change of [(i: ReturnType<typeof overlayInput>) => (i.values.canary.weight = 2.5), (i: ReturnType<typeof overlayInput>) => (i.values.production.replicas = -1)]) {
      const input = overlayInput();
      change(input);
      assertOverlayError(() => overlayManifest(manifestOf(WEB, WEB_SVC), input), /stage values are not usable/);
    }
  });

  it('an empty target name means "the only one"', () => {
    const objects = objectsOf(overlayManifest(manifestOf(WEB, WEB_SVC), overlayInput({ target: { deployment: '', container: '', service: '' } })));
    assert.equal(find(objects, 'Deployment', 'web-canary').spec.replicas, 1);
  });
});

describe('traffic that goes around the overlay\'s VirtualService', () => {
  const route = `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: web-route}\nspec:\n  rules: [{backendRefs: [{name: web, port: 80}]}]\n`;
  const vs = `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: web-public}\nspec:\n  hosts: [web.example.com]\n  gateways: [gw]\n  http: [{route: [{destination: {host: web.shop.svc.cluster.local}}]}]\n`;
  const dr = `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: web-tls}\nspec:\n  host: web\n  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}\n`;
  const unrelated = `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: other}\nspec:\n  hosts: [other]\n  http: [{route: [{destination: {host: webhook}}]}]\n`;

  it('an HTTPRoute, the chart\'s own VirtualService or DestinationRule for the Service: describeOverlay warns; they are left as rendered', () => {
    const manifest = manifestOf(WEB, WEB_SVC, route, vs, dr, unrelated);
    const warnings = describeOverlay(manifest, overlayInput()).warnings;
    assert.equal(warnings.length, 3, warnings.join('\n'));
    assert.match(warnings.join('\n'), /HTTPRoute "web-route" sends traffic to Service "web" without the overlay's VirtualService/);
    assert.match(warnings.join('\n'), /VirtualService "web-public" sends traffic/);
    assert.match(warnings.join('\n'), /DestinationRule "web-tls" is for Service "web"'s host too/);
    const out = overlayManifest(manifest, overlayInput());
    assert.equal(documentText(out, 'VirtualService', 'web-public'), documentText(manifest, 'VirtualService', 'web-public'));
  });
});

describe('the pod spec the canary copies', () => {
  it('an anti-affinity or topology spread on the Deployment\'s selector: describeOverlay warns that it still points at production\'s pods', () => {
    const d = deployment('web', '{app: web, release: r}', '{app: web, release: r}').replace(
      '      containers:\n',
      '      affinity:\n        podAntiAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n            - labelSelector: {matchLabels: {app: web, release: r}}\n              topologyKey: kubernetes.io/hostname\n' +
        '      topologySpreadConstraints:\n        - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {release: r}}}\n      containers:\n',
    );
    const d2 = describeOverlay(manifestOf(d, WEB_SVC), overlayInput());
    const warnings = d2.warnings.join('\n');
    assert.match(warnings, /affinity\.podAntiAffinity\.requiredDuringSchedulingIgnoredDuringExecution\[0\] select production's pods \(by app\)/);
    assert.doesNotMatch(warnings, /topologySpreadConstraints/, 'a constraint on labels both tracks have is fine');
  });
});
