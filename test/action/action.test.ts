// The composite GitHub Action (action.yml) run as a runner runs it (composite-runner.ts), from a
// checkout of a release tag (GITHUB_ACTION_PATH holds what `uses: <owner>/helm-canary@v0`
// fetches: the tag's tree, dist/ included, no node_modules), with node but no npm on PATH:
// `plan` needs no cluster; `status` against the simulated cluster with the kubeconfig input sets
// the action's outputs and the job summary, the kubeconfig file readable by the job only; a ref
// without dist/ (main) fails at the first step, naming the fix, before anything is set up.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { givenCluster, type Env } from '../helpers/e2e.js';
import { repoRoot } from '../helpers/run-cli.js';
import { STEP_OUTPUT_NAMES } from '../../src/ci/index.js';
import { releasedRepo, watchedNodeEnv, type SourceRepo } from '../release/source-repo.js';
import { readAction, runAction, readStepOutputs, type RunnerOptions } from './composite-runner.js';

// The majors of actions/setup-node whose action.yml says `using: node24` (v4 is node20, end of
// life April 2026), read from the repository's tags v5.0.0 (September 2025) to v7.0.0 (July 2026).
const SETUP_NODE_ON_NODE24 = ['v5', 'v6', 'v7'];

let repo: SourceRepo;
let work: string;
let PATH: string;
let released: string;
let unreleased: string;
let version: string;

function exportRef(ref: string, dir: string): string {
  mkdirSync(dir);
  execFileSync('sh', ['-c', `git archive "${ref}" | tar -x -C "${dir}"`], { cwd: repo.dir });
  return dir;
}

before(() => {
  ({ repo, version, work, PATH } = releasedRepo());
  released = exportRef('v0', join(work, 'action-at-v0'));
  unreleased = exportRef('main', join(work, 'action-at-main'));
  const project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(
    join(project, 'canary.yaml'),
    `release: reviews\nnamespace: bookinfo\nchart: ${join(repoRoot, 'charts', 'canary-app')}\nimage: {repository: acr.io/bookinfo/reviews}\nreplicas: 4\nplan: gradual\n`,
  );
});
after(() => repo?.cleanup());

function runner(actionPath: string, inputs: Record<string, string>, extra: Partial<RunnerOptions> = {}): RunnerOptions {
  const runnerTemp = join(work, `runner-temp-${Math.random().toString(36).slice(2)}`);
  mkdirSync(runnerTemp);
  return { actionPath, inputs, cwd: join(work, 'project'), env: { ...watchedNodeEnv(), PATH, HOME: work }, runnerTemp, ...extra };
}

describe('GitHub Action (action.yml)', () => {
  it('is composite, pins node24 actions, never installs from a registry, and maps the published step outputs', () => {
    const action = readAction(repoRoot);
    assert.equal(action.runs.using, 'composite');
    assert.deepEqual(Object.keys(action.inputs), ['command', 'config', 'new-tag', 'stage', 'kubeconfig', 'args', 'node-version']);
    assert.equal(action.inputs['node-version']!.default, '24');
    for (const [name, output] of Object.entries(action.outputs)) {
      const published = /^\$\{\{ steps\.run\.outputs\.(\w+) \}\}$/.exec(output.value)![1]!;
      assert.ok((STEP_OUTPUT_NAMES as readonly string[]).includes(published), `${name} -> ${published}`);
    }
    for (const step of action.runs.steps) {
      if (step.uses) {
        const [, name, ref] = /^([\w.-]+\/[\w.-]+)@(.+)$/.exec(step.uses)!;
        assert.equal(name, 'actions/setup-node', 'the only action used');
        assert.ok(SETUP_NODE_ON_NODE24.includes(ref!), `${step.uses} runs on node24`);
        continue;
      }
      // inputs reach scripts as environment variables only, never spliced into their text
      assert.doesNotMatch(step.run!, /\$\{\{/);
      assert.doesNotMatch(step.run!, /^\s*(npm|npx)\s/m, 'no npm install fallback');
    }
  });

  it('plan from the release tag: node alone runs the bundle, set-up in its own log group, no outputs without a rollout', async () => {
    assert.equal(existsSync(join(released, 'node_modules')), false);
    const run = await runAction(runner(released, { command: 'plan', 'new-tag': '84', args: '--stable-tag 83  --output json' }));
    const step = run.steps.find((s) => s.step.id === 'run')!;
    assert.equal(run.result, 'success', step.log);
    assert.deepEqual(run.used, [{ uses: readAction(released).runs.steps.find((s) => s.uses)!.uses!, with: { 'node-version': '24' } }]);
    const [setup, rest] = step.log.split('::endgroup::\n');
    assert.match(setup!, /^::group::helm-canary: set up\nnode v\d+\.\d+\.\d+, .*action-at-v0\/dist\/bin\/helm-canary\.mjs\n/);
    assert.match(setup!, new RegExp(`\\n${version.replaceAll('.', '\\.')}\\n`), 'the CLI version');
    assert.match(setup!, /\nhelm-canary plan --new-tag 84 --stable-tag 83 --output json\n$/);
    const doc = JSON.parse(rest!);
    assert.equal(doc.release, 'reviews');
    assert.equal(doc.newTag, '84');
    assert.equal(doc.stages.length, 8);
    assert.deepEqual(run.outputs, { stage: '', 'stage-name': '', 'stable-tag': '', 'new-tag': '', phase: '' });
  });

  it('passes a hostile tag as one argument, not as shell code', async () => {
    const marker = join(work, 'pwned');
    const run = await runAction(runner(released, { command: 'plan', 'new-tag': `$(touch ${marker}); 1`, args: '--stable-tag 83' }));
    const step = run.steps.find((s) => s.step.id === 'run')!;
    assert.equal(step.exitCode, 2);
    assert.match(step.log, /--new-tag: .*\(got "\$\(touch .*pwned\); 1"\)/);
    assert.equal(existsSync(marker), false);
  });

  it('a ref without dist/ (main) fails at its first step with the fix; node is never set up, nothing runs', async () => {
    const run = await runAction(runner(unreleased, { command: 'status' }));
    assert.equal(run.result, 'failure');
    const [first, ...rest] = run.steps;
    assert.equal(first!.exitCode, 3);
    assert.match(first!.log, /^::error title=helm-canary::This ref of the helm-canary action has no dist\/ \(the built CLI\): it is not a release\. Use a release tag, e\.g\. uses: <owner>\/helm-canary@v0/);
    assert.match(first!.log, /npm ci && npm run build\) and use it by path/);
    assert.deepEqual(rest.map((s) => s.result), ['skipped', 'skipped']);
    assert.deepEqual(run.used, []);
  });

  it('a node below the engines floor (22.18) stops the set-up step with the version it needs; nothing runs', async () => {
    // a stand-in node that only answers --version, first on PATH
    const oldNode = join(work, 'node-22.18');
    mkdirSync(oldNode, { recursive: true });
    writeFileSync(join(oldNode, 'node'), '#!/bin/sh\necho v22.18.0\n', { mode: 0o755 });
    const old = runner(released, { command: 'plan', 'new-tag': '84', args: '--stable-tag 83' });
    old.env = { ...old.env, PATH: [oldNode, PATH].join(delimiter) };
    const refused = await runAction(old);
    assert.equal(refused.result, 'failure');
    const failed = refused.steps.find((s) => s.result === 'failure')!;
    assert.equal(failed.exitCode, 3);
    assert.match(failed.log, /::error title=helm-canary::node v22\.18\.0 is too old: helm-canary runs on Node\.js 22\.19 or newer/);
    assert.doesNotMatch(failed.log, /canary 10 %/, 'no plan was printed');
  });

  describe('status against the simulated cluster (helm 4)', () => {
    let env: Env;
    before(async () => {
      env = await givenCluster(4);
      const deployed = await env.cli(['deploy', '--tag', '1.0']);
      assert.equal(deployed.exitCode, 0, deployed.stderr);
    });
    after(() => env?.stop());

    it('start with the kubeconfig input: --yes added, outputs and job summary set, the kubeconfig a file only the job can read', async () => {
      const { KUBECONFIG, ...jobEnv } = env.env;
      const options = runner(released, { command: 'start', 'new-tag': '2.0', kubeconfig: readFileSync(KUBECONFIG!, 'utf8') }, { cwd: env.dir });
      options.env = { ...watchedNodeEnv(), ...jobEnv, PATH };
      const run = await runAction(options);
      const step = run.steps.find((s) => s.step.id === 'run')!;
      assert.equal(run.result, 'success', step.log);
      assert.match(step.log, /\nhelm-canary start --new-tag 2\.0 --yes\n::endgroup::\n/);
      assert.deepEqual(run.outputs, { stage: '2', 'stage-name': 'canary 10 %', 'stable-tag': '1.0', 'new-tag': '2.0', phase: 'in-progress' });
      assert.match(run.summary, /stage 2 of 7 \(canary 10 %\)/);
      assert.match(run.summary, /\| canary \| productpage-canary \| 2\.0 \| 10 \|/);
      const [kubeconfig, ...others] = readdirSync(options.runnerTemp);
      assert.deepEqual(others, []);
      assert.match(kubeconfig!, /^helm-canary-kubeconfig\./);
      assert.equal(statSync(join(options.runnerTemp, kubeconfig!)).mode & 0o777, 0o600);
      assert.equal(readFileSync(join(options.runnerTemp, kubeconfig!), 'utf8'), `${readFileSync(KUBECONFIG!, 'utf8')}\n`);
      assert.match(step.log, /KUBECONFIG: .*helm-canary-kubeconfig\.\w+ \(from the kubeconfig input\)/);
    });

    it("status without the kubeconfig input uses the job's KUBECONFIG and reports the same position", async () => {
      const options = runner(released, { command: 'status' }, { cwd: env.dir });
      options.env = { ...watchedNodeEnv(), ...env.env, PATH };
      const run = await runAction(options);
      assert.equal(run.result, 'success', run.steps.map((s) => s.log).join('\n'));
      assert.deepEqual(run.outputs, { stage: '2', 'stage-name': 'canary 10 %', 'stable-tag': '1.0', 'new-tag': '2.0', phase: 'in-progress' });
      assert.deepEqual(readdirSync(options.runnerTemp), [], 'no kubeconfig file written');
      assert.deepEqual(readStepOutputs('stage=1\nphase<<EOF\na\nb\nEOF\n'), { stage: '1', phase: 'a\nb' }, 'the runner reads heredoc outputs');
    });
  });
});
