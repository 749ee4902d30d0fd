// Config loading as one table: canary.yaml + flags + environment -> what a command acts on, or
// every problem, by path. Rows are data; config-table.ts is the one adapter that calls the loader.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { KUBECONFIG_CONTEXT, kubeconfigYaml } from '../../sim/kubeconfig.js';
import { MINIMAL, runRow, type Row } from './config-table.js';

const SEVEN = [10, 90, 100];
const DEFAULT_PATHS = 'productionDeployment.image.repository productionDeployment.image.tag productionDeployment.replicaCount productionDeployment.weight | canaryDeployment.image.repository canaryDeployment.image.tag canaryDeployment.replicaCount canaryDeployment.weight';
// helm's plugin environment, as `helm canary ...` runs the tool.
const PLUGIN = { HELM_PLUGIN_NAME: 'canary', HELM_PLUGIN_DIR: '/plugins/helm-canary' };
// A kubeconfig whose current context names namespace "from-context".
const CONTEXT_KUBECONFIG = kubeconfigYaml('https://cluster.example:6443', 'from-context');

const rows: Row[] = [
  // What a minimal file means, and what each flag changes.
  {
    name: 'minimal valid file: defaults for everything it does not name',
    fields: {
      release: 'productpage', namespace: 'default', chart: '<dir>/chart', repository: 'acr.io/bookinfo/productpage', replicas: 2, valuesFiles: [],
      plan: 'seven-stage', weights: SEVEN, drainSeconds: 10, timeout: '5m', kubeContext: undefined, createNamespace: false, extraArgs: [],
      helmBinary: 'helm', kubeconfig: undefined, kubeconfigFiles: ['<dir>/home/.kube/config'], stableTag: undefined, newTag: undefined, valuePaths: DEFAULT_PATHS,
    },
  },
  {
    name: 'every flag overrides the file',
    file: { ...MINIMAL, namespace: 'shop', image: { repository: 'acr.io/old', stableTag: '1.0' }, helm: { timeout: '1m', kubeContext: 'dev' } },
    files: { 'other.values.yaml': 'a: 1\n' },
    flags: {
      release: 'reviews', namespace: 'bookinfo', chart: 'oci://registry.example/charts/app', repository: 'acr.io/new', stableTag: '83', newTag: '84',
      replicas: '5', steps: '20,100', values: ['other.values.yaml'], timeout: '90s', kubeContext: 'prod', kubeconfig: '/k/config', helm: '/bin/helm4',
      drainSeconds: '3', createNamespace: true,
    },
    fields: {
      release: 'reviews', namespace: 'bookinfo', chart: 'oci://registry.example/charts/app', repository: 'acr.io/new', stableTag: '83', newTag: '84',
      replicas: 5, plan: 'custom', weights: [20, 100], valuesFiles: ['<dir>/other.values.yaml'], timeout: '90s', kubeContext: 'prod', kubeconfigFiles: ['/k/config'],
      helmBinary: '/bin/helm4', drainSeconds: 3, createNamespace: true,
    },
  },
  { name: "deploy's --tag is the new tag", load: 'deploy', flags: { tag: '2.0' }, fields: { newTag: '2.0' } },
  { name: '-f names another file, whose paths are read from its own directory', file: null, files: { 'other.yaml': 'release: other\nchart: ./chart\nimage: {repository: acr.io/x}\nreplicas: 1\n' }, flags: { file: 'other.yaml' }, fields: { release: 'other', chart: '<dir>/chart' } },
  { name: 'helm.kubeconfig is read from the config file directory, instead of ~/.kube/config', file: { ...MINIMAL, helm: { kubeconfig: 'kube.yaml' } }, files: { 'kube.yaml': CONTEXT_KUBECONFIG },
    fields: { kubeconfig: '<dir>/kube.yaml', kubeconfigFiles: ['<dir>/kube.yaml'], namespace: 'from-context' } },

  // Steps and plans.
  { name: 'a built-in plan by name', file: { ...MINIMAL, plan: 'gradual' }, fields: { plan: 'gradual' } },
  { name: 'an inline plan, with its own drain', file: { ...MINIMAL, plan: { name: 'quick', steps: [50, 100], drainSeconds: 2 } }, fields: { plan: 'quick', weights: [50, 100], drainSeconds: 2 } },
  { name: 'a plan file by path', files: { 'two.yaml': 'steps: [30, 100]\n' }, flags: { plan: './two.yaml' }, fields: { plan: './two.yaml', weights: [30, 100] } },
  { name: '--steps wins over --plan and the file plan', file: { ...MINIMAL, plan: 'gradual' }, flags: { plan: 'seven-stage', steps: '10, 100' }, fields: { plan: 'custom', weights: [10, 100] } },
  { name: 'drainSeconds in the file wins over the plan', file: { ...MINIMAL, drainSeconds: 0 }, fields: { drainSeconds: 0 } },

  // Bad values, each by path.
  { name: 'no file and no flags: every required field', file: null, title: 'invalid configuration', problems: ['release: is required', 'chart: is required', 'image: is required', 'replicas: is required'] },
  { name: 'wrong type', file: { ...MINIMAL, replicas: 'two' }, problems: ['replicas: invalid input (got "two")'] },
  { name: 'negative replicas', file: { ...MINIMAL, replicas: -1 }, problems: ['replicas: must be at least 1 (got -1)'] },
  { name: '--replicas that is not a number, titled by the flag', flags: { replicas: 'many' }, title: 'invalid flag --replicas', problems: ['--replicas: must be a number (got "many")'] },
  { name: 'bad duration', file: { ...MINIMAL, helm: { timeout: '5 minutes' } }, problems: ['helm.timeout: must be a duration such as 300s or 5m (got "5 minutes")'] },
  { name: 'bad --timeout, titled by the flag', flags: { timeout: 'soon' }, title: 'invalid flag --timeout', problems: ['--timeout: must be a duration such as 300s or 5m (got "soon")'] },
  { name: 'unknown field', file: { ...MINIMAL, imagee: {} }, problems: ['(top level): unknown field imagee'] },
  { name: 'unknown nested field', file: { ...MINIMAL, helm: { timout: '1m' } }, problems: ['helm: unknown field timout'] },
  { name: 'bad release and namespace names', file: { ...MINIMAL, release: 'Bad_Name', namespace: 'x'.repeat(64) }, problems: [
    'release: must be a valid Kubernetes name: lower-case letters, digits, "-" and ".", starting and ending alphanumeric (got "Bad_Name")',
    `namespace: must be at most 63 characters (got "${'x'.repeat(56)}...)`,
  ] },
  { name: 'chart path that does not exist', file: { ...MINIMAL, chart: './nochart' }, problems: ['chart: <dir>/nochart does not exist'] },
  { name: 'values file that does not exist', file: { ...MINIMAL, valuesFiles: ['missing.yaml'] }, problems: ['valuesFiles[0]: <dir>/missing.yaml does not exist'] },
  { name: '--steps that are not numbers', flags: { steps: '10,x' }, title: 'invalid flag --steps', problems: ['--steps: must be comma-separated numbers such as 10,90,100 (got "10,x")'] },
  { name: 'steps that go down and do not end at 100: the flag, and the path inside it', flags: { steps: '50,20' }, title: 'invalid flag --steps', problems: [
    '--steps (plan.steps[1]): must be greater than the step before it (50), got 20',
    '--steps (plan.steps[1]): the last step must be 100 (got 20); set finalStepMustBe100: false to allow it',
  ] },
  { name: 'a bad value from a flag names the flag', flags: { replicas: '0' }, title: 'invalid flag --replicas', problems: ['--replicas: must be at least 1 (got 0)'] },
  { name: 'a missing --values file names the flag and the entry', flags: { values: ['missing.yaml'] }, title: 'invalid flag --values', problems: ['--values (valuesFiles[0]): <dir>/missing.yaml does not exist'] },
  { name: 'an unknown --plan names the flag', flags: { plan: 'fast' }, problems: ['--plan: no plan "fast" (built-in plans: gradual, seven-stage)'] },
  { name: 'an unknown plan name', file: { ...MINIMAL, plan: 'fast' }, problems: ['plan: no plan "fast" (built-in plans: gradual, seven-stage)'] },
  { name: 'a value path inside another', file: { ...MINIMAL, valuePaths: { production: { repository: 'productionDeployment.image', tag: 'productionDeployment.image.tag' } } }, problems: [
    'valuePaths.production.tag: "productionDeployment.image.tag" is inside valuePaths.production.repository ("productionDeployment.image"); one value cannot be both a value and a map',
  ] },
  { name: 'two values at one path, across roles', file: { ...MINIMAL, valuePaths: { canary: { weight: 'productionDeployment.weight' } } }, problems: [
    'valuePaths.canary.weight: is the same path as valuePaths.production.weight ("productionDeployment.weight"); each value needs its own',
  ] },
  { name: 'distinct value paths that share a prefix word are fine', file: { ...MINIMAL, valuePaths: { production: { repository: 'prod.image', tag: 'prod.imageTag' } } }, fields: {
    valuePaths: DEFAULT_PATHS.replace('productionDeployment.image.repository productionDeployment.image.tag', 'prod.image prod.imageTag'),
  } },
  { name: 'not YAML: one problem, not also every field of an empty file', file: 'release: [\n', problems: [
    '<dir>/canary.yaml: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1:',
  ] },
  { name: 'a file that is a list, not a map: one problem', file: '- a\n- b\n', problems: ['<dir>/canary.yaml: must be a YAML map of settings'] },

  // Stable and new tags (issue 10, defect 6).
  { name: "the README's example: stableTag 83, then deploy --tag 83", load: 'deploy', file: { ...MINIMAL, image: { repository: 'acr.io/app', stableTag: '83' } }, flags: { tag: '83' }, fields: { newTag: '83' } },
  { name: 'start --new-tag equal to the config stableTag', load: 'start', file: { ...MINIMAL, image: { repository: 'acr.io/app', stableTag: '83' } }, flags: { newTag: '83' }, fields: { newTag: '83' } },
  { name: 'a plan still needs two different tags', file: { ...MINIMAL, image: { repository: 'acr.io/app', stableTag: '83' } }, flags: { newTag: '83' }, title: 'invalid flag --new-tag', problems: ['--new-tag: must differ from the stable tag (both are "83")'] },
  { name: 'plan: two equal tag flags', flags: { stableTag: '84', newTag: '84' }, title: 'invalid flag --new-tag', problems: ['--new-tag: must differ from the stable tag (both are "84")'] },
  { name: 'plan: image.stableTag is the stable tag', file: { ...MINIMAL, image: { repository: 'acr.io/app', stableTag: 83 } }, flags: { newTag: '84' }, fields: { stableTag: '83', newTag: '84' } },
  { name: 'plan: --stable-tag wins over image.stableTag', file: { ...MINIMAL, image: { repository: 'acr.io/app', stableTag: '83' } }, flags: { stableTag: '82', newTag: '83' }, fields: { stableTag: '82', newTag: '83' } },
  { name: 'plan: a --stable-tag that is not an image tag', flags: { stableTag: '-1', newTag: '84' }, title: 'invalid flag --stable-tag', problems: [
    '--stable-tag: must be a valid image tag: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-" (got "-1")',
  ] },
  { name: 'deploy: a --tag that is not an image tag', load: 'deploy', flags: { tag: 'v1 beta' }, title: 'invalid flag --tag', problems: [
    '--tag: must be a valid image tag: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-" (got "v1 beta")',
  ] },
  { name: 'deploy: a bad --tag and a bad file are one error naming both', load: 'deploy', file: { ...MINIMAL, replicas: 0 }, flags: { tag: 'v1 beta' },
    title: 'invalid input: flag --tag, and the configuration in <dir>/canary.yaml', problems: [
      'replicas: must be at least 1 (got 0)',
      '--tag: must be a valid image tag: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-" (got "v1 beta")',
    ] },
  { name: 'start: a --new-tag that is not an image tag', load: 'start', flags: { newTag: '.x' }, title: 'invalid flag --new-tag', problems: [
    '--new-tag: must be a valid image tag: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-" (got ".x")',
  ] },
  { name: 'run: no --new-tag (it resumes a rollout in progress)', load: 'run', fields: { newTag: undefined } },
  { name: 'run: --new-tag is the new tag', load: 'run', flags: { newTag: '84' }, fields: { newTag: '84' } },

  // status of one release needs only its name and namespace (issue 10, defect 12).
  { name: 'release target from --release and -n alone', load: 'release-target', file: null, flags: { release: 'reviews', namespace: 'bookinfo' }, fields: { release: 'reviews', namespace: 'bookinfo', timeout: '5m', valuePaths: DEFAULT_PATHS } },
  { name: 'release target from a file with no chart, image or replicas', load: 'release-target', file: { release: 'reviews', helm: { kubeContext: KUBECONFIG_CONTEXT } }, files: { kube: CONTEXT_KUBECONFIG }, env: { KUBECONFIG: '<dir>/kube' }, fields: { kubeContext: KUBECONFIG_CONTEXT, namespace: 'from-context' } },
  { name: 'release target still checks what it reads', load: 'release-target', file: null, flags: { release: 'Bad_Name', namespace: 'bookinfo' }, title: 'invalid flag --release', problems: [
    '--release: must be a valid Kubernetes name: lower-case letters, digits, "-" and ".", starting and ending alphanumeric (got "Bad_Name")',
  ] },
  { name: 'release target still checks value paths', load: 'release-target', file: { release: 'reviews', valuePaths: { canary: { tag: 'canaryDeployment.image' } } }, problems: [
    'valuePaths.canary.repository: "canaryDeployment.image.repository" is inside valuePaths.canary.tag ("canaryDeployment.image"); one value cannot be both a value and a map',
  ] },

  // Namespace and context from helm's plugin environment (issue 10, defect 2).
  { name: "as a plugin, helm's namespace where the config names none", env: { ...PLUGIN, HELM_NAMESPACE: 'shop' }, fields: { namespace: 'shop' } },
  { name: 'as a plugin, a config namespace that agrees', file: { ...MINIMAL, namespace: 'shop' }, env: { ...PLUGIN, HELM_NAMESPACE: 'shop' }, fields: { namespace: 'shop' } },
  { name: 'as a plugin, a config namespace that disagrees names both and the fixes', file: { ...MINIMAL, namespace: 'shop' }, env: { ...PLUGIN, HELM_NAMESPACE: 'default' },
    title: 'helm passes namespace "default" (HELM_NAMESPACE: helm\'s -n, else the kubeconfig context\'s namespace, else "default"), but namespace in <dir>/canary.yaml is "shop"',
    problems: ['to act on "shop", run it as `helm canary ... -n shop`', 'to act on "default", set namespace: default in the config (or remove it, to follow helm)'] },
  { name: 'as a plugin, a -n after the plugin name that disagrees', env: { ...PLUGIN, HELM_NAMESPACE: 'default' }, flags: { namespace: 'shop' }, problems: [
    'to act on "shop", run it as `helm canary ... -n shop`', 'as a helm plugin, give the namespace to helm (-n), not after the plugin name',
  ] },
  { name: 'HELM_PLUGIN_DIR alone makes a plugin call', env: { HELM_PLUGIN_DIR: '/p', HELM_NAMESPACE: 'shop' }, fields: { namespace: 'shop' } },
  { name: 'HELM_NAMESPACE alone (not a plugin call) is ignored', file: { ...MINIMAL, namespace: 'shop' }, env: { HELM_NAMESPACE: 'default' }, fields: { namespace: 'shop' } },
  { name: "as a plugin, helm's --kube-context (HELM_KUBECONTEXT)", env: { ...PLUGIN, HELM_NAMESPACE: 'shop', HELM_KUBECONTEXT: 'prod' }, fields: { kubeContext: 'prod' } },
  { name: 'as a plugin, an empty HELM_KUBECONTEXT leaves the config context', file: { ...MINIMAL, helm: { kubeContext: 'dev' } }, env: { ...PLUGIN, HELM_NAMESPACE: 'shop', HELM_KUBECONTEXT: '' }, fields: { kubeContext: 'dev' } },
  { name: 'HELM_KUBECONTEXT and a --context that disagrees', env: { ...PLUGIN, HELM_NAMESPACE: 'shop', HELM_KUBECONTEXT: 'prod' }, flags: { context: 'dev' },
    title: 'two kubeconfig contexts are named: --context "dev" and helm\'s --kube-context (HELM_KUBECONTEXT) "prod"', problems: ['name one context, once'] },
  { name: 'one context named three ways is one context', env: { ...PLUGIN, HELM_NAMESPACE: 'shop', HELM_KUBECONTEXT: 'prod' }, flags: { context: 'prod', kubeContext: 'prod' }, fields: { kubeContext: 'prod' } },
  { name: '--context and --kube-context that disagree', flags: { context: 'a', kubeContext: 'b' }, title: 'two kubeconfig contexts are named: --context "a" and --kube-context "b"', problems: ['name one context, once'] },

  // The helm binary.
  { name: 'helm.binary from the file', file: { ...MINIMAL, helm: { binary: '/opt/helm' } }, fields: { helmBinary: '/opt/helm' } },
  { name: '$HELM_BIN (helm sets it for a plugin) wins over helm.binary', file: { ...MINIMAL, helm: { binary: '/opt/helm' } }, env: { HELM_BIN: '/usr/bin/helm3' }, fields: { helmBinary: '/usr/bin/helm3' } },
  { name: '--helm wins over $HELM_BIN', env: { HELM_BIN: '/usr/bin/helm3' }, flags: { helm: '/bin/helm4' }, fields: { helmBinary: '/bin/helm4' } },

  // KUBECONFIG: which files, and the context's namespace when nothing names one (issue 10, defect 3).
  { name: "no namespace named: the KUBECONFIG context's namespace", files: { kube: CONTEXT_KUBECONFIG }, env: { KUBECONFIG: '<dir>/kube' }, fields: { namespace: 'from-context', kubeconfigFiles: ['<dir>/kube'] } },
  { name: 'a KUBECONFIG list: the first file that exists names the context', files: { kube: CONTEXT_KUBECONFIG }, env: { KUBECONFIG: '<dir>/absent:<dir>/kube' }, fields: { namespace: 'from-context', kubeconfigFiles: ['<dir>/absent', '<dir>/kube'] } },
  { name: '--kubeconfig wins over KUBECONFIG', files: { kube: CONTEXT_KUBECONFIG, other: kubeconfigYaml('https://other.example', 'other') }, env: { KUBECONFIG: '<dir>/kube' }, flags: { kubeconfig: '<dir>/other' }, fields: { namespace: 'other', kubeconfigFiles: ['<dir>/other'] } },
  { name: 'a config namespace wins over the context and the kubeconfig is not read', file: { ...MINIMAL, namespace: 'shop' }, env: { KUBECONFIG: '<dir>/absent' }, fields: { namespace: 'shop' } },
  { name: 'a context that names no namespace: "default"', files: { kube: kubeconfigYaml('https://cluster.example:6443') }, env: { KUBECONFIG: '<dir>/kube' }, fields: { namespace: 'default' } },
];

describe('config table: file + flags + env -> what a command acts on, or problems by path', () => {
  const root = mkdtempSync(join(tmpdir(), 'hc-config-table-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  for (const row of rows) {
    it(row.name, { todo: row.todo }, () => {
      const outcome = runRow(root, row);
      if (row.problems) {
        assert.ok('problems' in outcome, `expected problems, got ${JSON.stringify(outcome)}`);
        assert.deepEqual(outcome.problems, row.problems);
        if (row.title !== undefined) assert.equal(outcome.title, row.title);
        return;
      }
      assert.ok('view' in outcome, `expected no problems, got ${JSON.stringify(outcome)}`);
      const picked = Object.fromEntries(Object.keys(row.fields ?? {}).map((key) => [key, outcome.view[key as keyof typeof outcome.view]]));
      assert.deepEqual(picked, row.fields);
    });
  }
});
