// The namespace and context precedence of cluster commands (issue 10, defects 2 and 3): flags,
// helm's plugin environment, canary.yaml, the kubeconfig context's namespace, then "default".
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contextOverride, pluginEnv, resolveNamespace, type NamespaceInputs } from '../../src/config/resolve-target.js';
import { ConfigError } from '../../src/config/config-error.js';
import { CliError } from '../../src/cli/errors.js';
import { toCliError } from '../../src/cli/to-cli-error.js';

const ctx = (namespace?: string) => () => ({ namespace, context: 'kind-dev' });
const PLUGIN = { HELM_PLUGIN_NAME: 'canary', HELM_PLUGIN_DIR: '/p' };

describe('resolveNamespace', () => {
  const rows: { name: string; inputs: NamespaceInputs; namespace: string; from: RegExp }[] = [
    { name: 'the flag wins over the config', inputs: { flag: 'a', config: 'b', contextNamespace: ctx('c') }, namespace: 'a', from: /--namespace/ },
    { name: 'the config over the context', inputs: { config: 'b', configSource: '/x/canary.yaml', contextNamespace: ctx('c') }, namespace: 'b', from: /\/x\/canary\.yaml/ },
    { name: "the context's namespace when neither names one", inputs: { contextNamespace: ctx('c') }, namespace: 'c', from: /kubeconfig context "kind-dev"/ },
    { name: 'then default', inputs: { contextNamespace: ctx() }, namespace: 'default', from: /default/ },
    { name: "as a plugin, helm's namespace", inputs: { plugin: { namespace: 'h' }, contextNamespace: ctx('c') }, namespace: 'h', from: /HELM_NAMESPACE/ },
    { name: 'as a plugin, a config that agrees', inputs: { plugin: { namespace: 'h' }, config: 'h', contextNamespace: ctx('c') }, namespace: 'h', from: /HELM_NAMESPACE/ },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const got = resolveNamespace(row.inputs);
      assert.equal(got.namespace, row.namespace);
      assert.match(got.from, row.from);
    });
  }

  it('as a plugin, a config that disagrees with HELM_NAMESPACE is a ConfigError naming both and the fixes', () => {
    assert.throws(() => resolveNamespace({ plugin: { namespace: 'default' }, config: 'bookinfo', configSource: 'canary.yaml', contextNamespace: ctx() }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      const shown = toCliError(err) as CliError;
      assert.equal(shown.exitCode, 2);
      assert.match(shown.message, /helm passes namespace "default" .* but namespace in canary\.yaml is "bookinfo"/);
      assert.deepEqual(shown.details, ['to act on "bookinfo", run it as `helm canary ... -n bookinfo`', 'to act on "default", set namespace: default in the config (or remove it, to follow helm)']);
      return true;
    });
  });

  it('does not read the kubeconfig when a namespace is named', () => {
    resolveNamespace({ flag: 'a', contextNamespace: () => assert.fail('read the kubeconfig') });
  });
});

describe('pluginEnv and contextOverride', () => {
  it("is a plugin call only with helm's plugin variables, not HELM_NAMESPACE alone", () => {
    assert.equal(pluginEnv({ HELM_NAMESPACE: 'x' }), undefined);
    assert.deepEqual(pluginEnv({ ...PLUGIN, HELM_NAMESPACE: 'x', HELM_KUBECONTEXT: '' }), { namespace: 'x', kubeContext: undefined });
    assert.deepEqual(pluginEnv({ HELM_PLUGIN_DIR: '/p', HELM_NAMESPACE: 'x', HELM_KUBECONTEXT: 'prod' }), { namespace: 'x', kubeContext: 'prod' });
  });

  it('takes --context, --kube-context or HELM_KUBECONTEXT, and refuses two that disagree', () => {
    assert.equal(contextOverride({}, undefined), undefined);
    assert.equal(contextOverride({ kubeContext: 'a' }, undefined), 'a');
    assert.equal(contextOverride({ context: 'a', kubeContext: 'a' }, { kubeContext: 'a' }), 'a');
    assert.equal(contextOverride({}, { namespace: 'x', kubeContext: 'prod' }), 'prod');
    assert.throws(() => contextOverride({ context: 'a' }, { kubeContext: 'b' }), /--context "a" and helm's --kube-context \(HELM_KUBECONTEXT\) "b"/);
  });
});
