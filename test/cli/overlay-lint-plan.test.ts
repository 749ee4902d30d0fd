// `lint` and `plan` in overlay mode, with the real helm 3 and helm 4: lint renders every stage
// through helm-canary's overlay post-renderer and says what the overlay generates for the chart
// `helm create` scaffolds; a chart the overlay cannot canary fails lint in the overlay's own words;
// plan says the mode and never prints helm commands that would apply the chart without the overlay.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { setupHelm } from '../../scripts/setup-helm.mjs';
import { runCli, repoRoot } from '../helpers/run-cli.js';
import { chunksContaining, loadedFiles } from '../helpers/bundle-chunks.js';
import { ANY_CHART_REPOSITORY, createAnyChart, type AnyChart } from '../helpers/any-charts.js';

const RELEASE = 'shop';
let helm: Record<3 | 4, string>;
let dir: string;
const charts: Partial<Record<3 | 4, AnyChart>> = {};
const configs: Partial<Record<3 | 4, string>> = {};
let twoDeployments: string;
let twoDeploymentsApiNamed: string;

// canary.yaml of an overlay-mode release of `chart`; --steps 100 keeps the renders few (11).
function writeConfig(name: string, chart: string, valuesFiles: string[] = [], overlay?: Record<string, string>): string {
  const file = join(dir, `${name}.canary.yaml`);
  writeFileSync(file, stringify({ release: RELEASE, namespace: 'shop', chart, valuesFiles, image: { repository: ANY_CHART_REPOSITORY }, replicas: 2, plan: { steps: [{ weight: 100 }] }, mode: 'overlay', ...(overlay ? { overlay } : {}) }));
  return file;
}

// A chart the overlay cannot canary as it is: two Deployments, and no overlay.deployment naming one.
function writeTwoDeploymentChart(): string {
  const chart = join(dir, 'two');
  mkdirSync(join(chart, 'templates'), { recursive: true });
  writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: two\nversion: 0.1.0\n');
  writeFileSync(join(chart, 'values.yaml'), 'image: {repository: nginx, tag: "1"}\n');
  for (const name of ['api', 'worker']) {
    writeFileSync(
      join(chart, 'templates', `${name}.yaml`),
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}, tier: backend}}
  template:
    metadata: {labels: {app: ${name}, tier: backend}}
    spec:
      containers: [{name: ${name}, image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"}]
`,
    );
  }
  return chart;
}

// Each run gets its own HOME (helm's plugins and caches) and TMPDIR (to see what lint leaves).
function cliEnv(name: string): { HOME: string; TMPDIR: string } {
  const home = join(dir, `home-${name}`);
  const tmp = join(dir, `tmp-${name}`);
  mkdirSync(home, { recursive: true });
  mkdirSync(tmp, { recursive: true });
  return { HOME: home, TMPDIR: tmp };
}

before(async () => {
  helm = await setupHelm();
  dir = mkdtempSync(join(tmpdir(), 'hc-overlay-lint-'));
  for (const major of [3, 4] as const) {
    const chart = await createAnyChart('scaffold', major);
    charts[major] = chart;
    configs[major] = writeConfig(`scaffold-${major}`, chart.dir, [await chart.writeValues(RELEASE)]);
  }
  const two = writeTwoDeploymentChart();
  twoDeployments = writeConfig('two', two);
  twoDeploymentsApiNamed = writeConfig('two-api', two, [], { deployment: 'api' });
});

after(async () => {
  await Promise.all(Object.values(charts).map((c) => c.remove()));
  rmSync(dir, { recursive: true, force: true });
});

describe('helm-canary lint in overlay mode', { concurrency: 2 }, () => {
  it("renders every stage through the post-renderer with helm 4 and says what it generates for helm create's chart (no Kubernetes client loaded)", async () => {
    const chart = charts[4]!;
    const objects = chart.objects(RELEASE);
    const selector = chart.selectorLabels(RELEASE);
    const env = cliEnv('pass-4');
    const r = await runCli(['lint', '-f', configs[4]!, '--helm', helm[4]], { env, nodeArgs: ['--import', join(repoRoot, 'test', 'fixtures', 'cli', 'trace-imports.mjs')] });
    assert.equal(r.exitCode, 0, r.stderr);
    // Needs no cluster, so never loads the Kubernetes client, overlay mode included.
    assert.ok(loadedFiles(r.stderr).includes('helm-canary.mjs'));
    assert.deepEqual(loadedFiles(r.stderr).filter((f) => chunksContaining('node_modules/@kubernetes/client-node/').includes(f)), []);
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /^ok: config valid; plan custom has 5 stages; 11 distinct stage values rendered with helm v4\.\S+ through helm-canary's overlay post-renderer; helm lint passed$/);
    const field = (name: string) => lines.find((l) => l.startsWith(`  ${name}:`))?.slice(`  ${name}:`.length).trim();
    assert.equal(field('canaries'), `Deployment "${objects.deployment}", container "${objects.container}", Service "${objects.service}"`);
    const splitKey = /^(\S+) /.exec(field('split label') ?? '')?.[1];
    assert.ok(splitKey && splitKey in selector, `split label ${splitKey} is one of the selector's ${Object.keys(selector)}`);
    const all = Object.entries(selector).map(([k, v]) => `${k}=${v}`);
    const rest = all.filter((l) => !l.startsWith(`${splitKey}=`));
    assert.equal(field('Service selector'), `${all.join(',')} -> ${rest.join(',')}`);
    assert.equal(field('generates'), `Deployment "${objects.deployment}-canary", DestinationRule "${objects.service}", VirtualService "${objects.service}"`);
    assert.equal(field('subsets'), `production ${all.join(',')}; canary ${rest.join(',')},helm-canary.io/track=canary`);
    assert.equal(field('autoscaling'), 'no HorizontalPodAutoscaler on the Deployment');
    assert.equal(field('disruption'), 'no PodDisruptionBudget on its pods');
    // helm create's test Pod is a hook (helm.sh/hook: test): left as rendered.
    assert.equal(field('hooks'), `Pod "${objects.deployment}-test-connection" (test), left exactly as rendered`);
    assert.match(field('adoption') ?? '', /^restarts no pod/);
    // The post-renderer's work directories and the values files are gone.
    assert.deepEqual(readdirSync(env.TMPDIR).filter((f) => f.startsWith('helm-canary')), []);
  });

  it('prints the same as a document with -o json (helm 3)', async () => {
    const chart = charts[3]!;
    const objects = chart.objects(RELEASE);
    const r = await runCli(['lint', '-f', configs[3]!, '--helm', helm[3], '-o', 'json'], { env: cliEnv('pass-3') });
    assert.equal(r.exitCode, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.ok, true);
    assert.equal(report.mode, 'overlay');
    assert.equal(report.renderedValues, 11); // 10 stage and rollback values, and stage 1 adopting a release deployed without the overlay
    assert.match(report.helm, /^v3\./);
    assert.equal(report.helmLint, 'passed');
    const o = report.overlay;
    assert.equal(o.renderedFrom, 'stage 1');
    assert.deepEqual([o.deployment, o.container, o.service], [objects.deployment, objects.container, objects.service]);
    assert.deepEqual(o.deploymentSelector, chart.selectorLabels(RELEASE));
    assert.ok(o.splitKey in o.deploymentSelector);
    assert.ok(!(o.splitKey in o.serviceSelectorAfter));
    assert.equal(o.serviceSelectorChanged, true);
    assert.deepEqual(o.generated, [
      { kind: 'Deployment', name: `${objects.deployment}-canary` },
      { kind: 'DestinationRule', name: objects.service },
      { kind: 'VirtualService', name: objects.service },
    ]);
    assert.deepEqual(o.autoscalers, []);
    assert.deepEqual(o.disruptionBudgets, []);
    assert.deepEqual(o.hooks.map((h: { kind: string; hook: string }) => [h.kind, h.hook]), [['Pod', 'test']]);
  });

  for (const major of [4, 3] as const) {
    it(`fails with the overlay's own message and hints for a chart with two Deployments (helm ${major})`, async () => {
      const env = cliEnv(`two-${major}`);
      const r = await runCli(['lint', '-f', twoDeployments, '--helm', helm[major]], { env });
      assert.equal(r.exitCode, 2, r.stdout);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^error: lint found 1 problem\n/);
      // From the render through the post-renderer (helm 4 hides the plugin's stderr); the chart itself
      // is refused, so lint stops at stage 1's render rather than repeat it for every stage.
      assert.match(r.stderr, /helm-canary's overlay cannot canary the chart rendered with the values of stage 1, apply 1 \(stable values\):\n {4}The chart renders 2 Deployments \(api, worker\); overlay mode canaries one\.\n {4}Name the one to canary in the overlay's target deployment \(canary\.yaml: overlay\.deployment\): one of api, worker\.$/m);
      assert.doesNotMatch(r.stderr, /error while running post render|exited with error/);
      assert.deepEqual(readdirSync(env.TMPDIR).filter((f) => f.startsWith('helm-canary')), []);
    });
  }

  it("passes canary.yaml's overlay.deployment to the post-renderer, and fails on the next thing it refuses (no Service)", async () => {
    const r = await runCli(['lint', '-f', twoDeploymentsApiNamed, '--helm', helm[4]], { env: cliEnv('two-api') });
    assert.equal(r.exitCode, 2, r.stdout);
    assert.match(r.stderr, /cannot canary the chart rendered with the values of stage 1, apply 1 \(stable values\):\n {4}No Service of the chart selects Deployment "api"'s pods/);
  });
});

describe('helm-canary plan in overlay mode', { concurrency: true }, () => {
  const tags = ['--stable-tag', '83', '--new-tag', '84'];

  it('says mode overlay in the table, and that the applies need the overlay post-renderer', async () => {
    const r = await runCli(['plan', '-f', configs[4]!, ...tags]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^Release shop in namespace shop: 83 -> 84 \(plan custom, drain 10s, mode overlay\)$/m);
    assert.match(r.stdout, /^Applies \(each one helm upgrade --install through helm-canary's overlay post-renderer, which adds the canary Deployment,\nDestinationRule and VirtualService; a plain helm upgrade of these values, without it, would delete them\):$/m);
  });

  it('marks every apply of the JSON as needing the post-renderer; the values are the overlay values', async () => {
    const r = await runCli(['plan', '-f', configs[4]!, ...tags, '-o', 'json']);
    assert.equal(r.exitCode, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.mode, 'overlay');
    assert.match(doc.overlay.helmCommands, /delete the canary Deployment, the DestinationRule and the VirtualService/);
    const applies = [...doc.stages.flatMap((s: { applies: unknown[] }) => s.applies), ...Object.values(doc.rollback.from).flat()] as { needsPostRenderer?: boolean; values: Record<string, any> }[];
    assert.ok(applies.length > 10);
    for (const a of applies) assert.equal(a.needsPostRenderer, true);
    const canary100 = doc.stages[1].applies.at(-1);
    assert.deepEqual(canary100.values.image, { repository: ANY_CHART_REPOSITORY, tag: '83' });
    assert.equal(canary100.values.helmCanary.canary.tag, '84');
    assert.equal(canary100.values.helmCanary.canary.weight, 100);
  });

  it('refuses --output script (exit 2, nothing printed): its plain helm would delete the canary', async () => {
    const r = await runCli(['plan', '-f', configs[4]!, ...tags, '-o', 'script']);
    assert.equal(r.exitCode, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^error: plan --output script is not available in overlay mode: .*deleting the canary Deployment, the DestinationRule and the VirtualService\n {2}run the stages with helm-canary \(deploy, start, promote, rollback\)/);
  });

  it('says so in --help (and lint says what it does in overlay mode)', async () => {
    const [plan, lint] = await Promise.all([runCli(['plan', '--help']), runCli(['lint', '--help'])]);
    assert.equal(plan.exitCode, 0);
    assert.match(plan.stdout, /--output script is refused \(exit 2, nothing printed\)/);
    assert.equal(lint.exitCode, 0);
    assert.match(lint.stdout, /In overlay mode \(mode: overlay\) every render runs through helm-canary's overlay post-renderer/);
    assert.match(lint.stdout, /-o, --output <format> +text for people; json or yaml/);
  });
});
