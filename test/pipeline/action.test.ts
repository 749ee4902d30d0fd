// The composite GitHub Action: its inputs and outputs, and its run script executed the way the
// runner would (inputs as environment variables, GITHUB_ACTION_PATH at this checkout).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/run-cli.js';
import { STEP_OUTPUT_NAMES } from '../../src/ci/index.js';

const action = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8'));
const step = action.runs.steps.find((s: { id?: string }) => s.id === 'run');

// Maps the step's `${{ inputs.x }}` env entries to the given input values (or the defaults).
function stepEnv(inputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(step.env as Record<string, string>).map(([name, expr]) => {
      const input = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(expr)![1]!;
      return [name, inputs[input] ?? action.inputs[input].default];
    }),
  );
}

describe('GitHub Action (action.yml)', () => {
  it('is a composite action whose outputs are the published step outputs', () => {
    assert.equal(action.runs.using, 'composite');
    assert.deepEqual(Object.keys(action.inputs), ['command', 'config', 'new-tag', 'stage', 'kubeconfig', 'args', 'version', 'node-version']);
    for (const [name, output] of Object.entries(action.outputs as Record<string, { value: string }>)) {
      const published = /^\$\{\{ steps\.run\.outputs\.(\w+) \}\}$/.exec(output.value)![1]!;
      assert.ok((STEP_OUTPUT_NAMES as readonly string[]).includes(published), `${name} -> ${published}`);
    }
    // inputs never appear in the script's text, only in its environment
    assert.doesNotMatch(step.run, /\$\{\{/);
  });

  it('runs the command with the inputs as an argv array (plan, from this checkout)', async () => {
    const r = await execa('bash', ['-c', step.run], {
      cwd: join(repoRoot, 'test', 'fixtures', 'pipeline'),
      env: { ...stepEnv({ command: 'plan', config: 'gradual.canary.yaml', 'new-tag': '84', args: '--stable-tag 83  --output json' }), GITHUB_ACTION_PATH: repoRoot },
      extendEnv: true,
      reject: false,
    });
    assert.equal(r.exitCode, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.release, 'reviews');
    assert.equal(doc.newTag, '84');
    assert.equal(doc.stages.length, 8);
  });

  it('passes a hostile tag as one argument, not as shell code', async () => {
    const r = await execa('bash', ['-c', step.run], {
      cwd: join(repoRoot, 'test', 'fixtures', 'pipeline'),
      env: { ...stepEnv({ command: 'plan', 'new-tag': '$(touch /tmp/hc-pwned); 1', args: '--stable-tag 83' }), GITHUB_ACTION_PATH: repoRoot },
      extendEnv: true,
      reject: false,
    });
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /--new-tag: .*\(got "\$\(touch \/tmp\/hc-pwned\); 1"\)/);
  });
});
