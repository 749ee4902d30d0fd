// The helm plugin's files agree with each other and with the CLI: plugin.yaml (helm 3's format,
// which helm 4 loads as legacy) and scripts/helm-plugin/plugin.v1.yaml (helm 4's) describe the
// same plugin, at package.json's version, run the same command on each OS and hook the same
// script; plugin.yaml stays within what every helm 3 accepts; completion.yaml lists the CLI's
// commands as they are; the scripts helm runs directly are executable.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/run-cli.js';
import { COMPLETION_YAML, completionYaml } from '../../scripts/helm-plugin/completion-yaml.js';

interface PlatformCommand {
  os?: string;
  arch?: string;
  command: string;
  args?: string[];
}

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
const legacy = parse(read('plugin.yaml'));
const v1 = parse(read('scripts/helm-plugin/plugin.v1.yaml'));
const packageVersion = JSON.parse(read('package.json')).version;

// The command line each OS runs, as one string (helm joins command and args the same way).
function byOs(commands: PlatformCommand[]): Record<string, string> {
  return Object.fromEntries(commands.map((c) => [c.os ?? '*', [c.command, ...(c.args ?? [])].join(' ')]));
}

describe('helm plugin manifests', () => {
  it('plugin.yaml and plugin.v1.yaml: one plugin, at the package version', () => {
    assert.equal(legacy.name, 'canary');
    assert.equal(v1.name, legacy.name);
    assert.equal(legacy.version, packageVersion);
    assert.equal(v1.version, packageVersion);
    assert.equal(v1.apiVersion, 'v1');
    assert.equal(v1.type, 'cli/v1');
    assert.equal(v1.runtime, 'subprocess');
    assert.equal(v1.config.shortHelp, legacy.usage);
    assert.equal(v1.config.longHelp, legacy.description);
    assert.equal(v1.config.ignoreFlags, legacy.ignoreFlags);
  });

  it('both run the same command on linux, darwin (sh) and windows (.cmd)', () => {
    const legacyCommands = byOs(legacy.platformCommand);
    assert.deepEqual(Object.keys(legacyCommands).sort(), ['darwin', 'linux', 'windows']);
    assert.deepEqual(byOs(v1.runtimeConfig.platformCommand), legacyCommands);
    assert.equal(legacyCommands.linux, '$HELM_PLUGIN_DIR/scripts/helm-plugin/helm-canary.sh');
    assert.equal(legacyCommands.darwin, legacyCommands.linux);
    assert.equal(legacyCommands.windows, '$HELM_PLUGIN_DIR\\scripts\\helm-plugin\\helm-canary.cmd');
  });

  it('both hook the same check on install and update; v1 gives windows its own', () => {
    for (const event of ['install', 'update']) {
      const hooks = byOs(v1.runtimeConfig.platformHooks[event]);
      // helm runs a legacy hook string with `sh -c` (quoted, for a path with spaces); v1 runs the script itself
      assert.equal(legacy.hooks[event], '"$HELM_PLUGIN_DIR/scripts/helm-plugin/install-hook.sh"');
      assert.equal(`"${hooks.linux}"`, legacy.hooks[event]);
      assert.equal(hooks.darwin, hooks.linux);
      assert.equal(hooks.windows, '$HELM_PLUGIN_DIR\\scripts\\helm-plugin\\install-hook.cmd');
    }
  });

  it('plugin.yaml holds only keys every helm 3.x reads (3.17 rejects unknown keys; 4 rejects command beside platformCommand)', () => {
    assert.deepEqual(Object.keys(legacy).sort(), ['description', 'hooks', 'ignoreFlags', 'name', 'platformCommand', 'usage', 'version']);
    for (const c of legacy.platformCommand as PlatformCommand[]) assert.deepEqual(Object.keys(c).sort(), ['command', 'os']);
  });

  it('completion.yaml lists the CLI’s commands as they are', async () => {
    assert.equal(
      readFileSync(COMPLETION_YAML, 'utf8'),
      await completionYaml(),
      'completion.yaml is stale: node --import tsx scripts/helm-plugin/completion-yaml.ts --write',
    );
    const doc = parse(readFileSync(COMPLETION_YAML, 'utf8'));
    const names = doc.commands.map((c: { name: string }) => c.name);
    for (const verb of ['plan', 'deploy', 'start', 'promote', 'rollback', 'status', 'pipeline', 'version']) assert.ok(names.includes(verb), verb);
  });

  it('the scripts helm executes directly are executable; the Windows ones have CRLF line ends', () => {
    for (const path of ['plugin.complete', 'scripts/helm-plugin/helm-canary.sh', 'scripts/helm-plugin/install-hook.sh']) {
      assert.ok(statSync(join(repoRoot, path)).mode & 0o100, `${path} is executable`);
      assert.match(read(path), /^#!\/bin\/sh\n/);
    }
    for (const path of ['scripts/helm-plugin/helm-canary.cmd', 'scripts/helm-plugin/install-hook.cmd']) {
      assert.doesNotMatch(read(path), /[^\r]\n/, `${path} has CRLF line ends`);
    }
  });
});
