// The supported Node lines: package.json's engines as `helm-canary version` reads it, and
// scripts/with-node.mjs, which runs the tests and the demo on Node 22 or 24 from node_modules
// whatever the system Node is (HELM_CANARY_NODE picks; the default is 24).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { join } from 'node:path';
import { nodeMeetsEngines } from '../../src/config/package-root.js';
import { repoRoot } from '../helpers/run-cli.js';

describe('nodeMeetsEngines', () => {
  const rows: [node: string, range: string | undefined, meets: boolean][] = [
    ['v22.19.0', '>=22.19', true],
    ['v22.18.9', '>=22.19', false],
    ['v22.23.3', '>=22.19', true],
    ['v24.0.0', '>=22.19', true],
    ['v20.20.2', '>=22.19', false],
    ['v22.0.0', '>=22', true],
    ['v21.9.9', '>=22', false],
    // A range of another shape is not guessed at.
    ['v24.0.0', '^22 || ^24', false],
    ['v24.0.0', undefined, false],
  ];
  for (const [node, range, meets] of rows) {
    it(`${node} ${meets ? 'meets' : 'does not meet'} ${range}`, () => assert.equal(nodeMeetsEngines(node, range), meets));
  }
});

describe('scripts/with-node.mjs', () => {
  const withNode = (env: Record<string, string>) =>
    execa(process.execPath, [join(repoRoot, 'scripts', 'with-node.mjs'), 'node', '-p', 'process.version + " " + process.env.PATH.split(require("path").delimiter)[0]'], { env, reject: false, stdin: 'ignore' });

  it('runs Node 24 from node_modules by default, first on PATH for what the command starts', async () => {
    const r = await withNode({ HELM_CANARY_NODE: '' });
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.match(String(r.stdout), new RegExp(`^v24\\.\\d+\\.\\d+ ${join(repoRoot, 'node_modules', 'node24', 'bin').replaceAll('/', '\\/')}$`));
  });

  it('runs Node 22 with HELM_CANARY_NODE=22', async () => {
    const r = await withNode({ HELM_CANARY_NODE: '22' });
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.match(String(r.stdout), /^v22\.\d+\.\d+ /);
  });

  it('refuses a line it does not support (exit 2), naming the ones it does', async () => {
    const r = await withNode({ HELM_CANARY_NODE: '20' });
    assert.equal(r.exitCode, 2);
    assert.match(String(r.stderr), /HELM_CANARY_NODE=20: give 22 or 24/);
  });
});
