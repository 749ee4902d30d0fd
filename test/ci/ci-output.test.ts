// CI-aware output: CI detection, the log commands and their escaping, step outputs and the job
// summary, log groups in the reporter, and errors as annotations from the built CLI.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectCi, errorAnnotation, groupEnd, groupStart, isCi, publishOutputs, stepOutputs, azureSetOutput } from '../../src/ci/index.js';
import { createReporter } from '../../src/cli/progress.js';
import type { ReleaseStatus } from '../../src/rollout/status.js';
import { runCli } from '../helpers/run-cli.js';

const STATUS: ReleaseStatus = {
  release: 'productpage',
  namespace: 'bookinfo',
  stage: { number: 3, name: 'canary 90 %', of: 7 },
  position: 'at stage 3',
  stableTag: '83',
  newTag: '84',
  phase: 'in-progress',
  problems: [],
  production: { name: 'productpage-production', image: 'acr.io/app:83', tag: '83', desired: 2, ready: 2, weight: 10 },
  canary: { name: 'productpage-canary', image: 'acr.io/app:84', tag: '84', desired: 2, ready: 1, weight: 90 },
  traffic: { virtualService: 'productpage', weights: { production: 10, canary: 90 } },
  record: null,
  helm: { status: 'deployed', revision: 4 },
  lock: null,
  nextMoves: ['promote to stage 4 (canary 100 %)', 'rollback'],
};

describe('CI detection', () => {
  it('tells GitHub Actions, Azure Pipelines and other CIs apart', () => {
    assert.equal(detectCi({ GITHUB_ACTIONS: 'true' }), 'github');
    assert.equal(detectCi({ TF_BUILD: 'True' }), 'azure');
    assert.equal(detectCi({ CI: 'true' }), undefined);
    assert.equal(detectCi({}), undefined);
    assert.equal(isCi({ TF_BUILD: 'True' }), true);
    assert.equal(isCi({ CI: '1' }), true);
    assert.equal(isCi({ CI: 'false' }), false);
    assert.equal(isCi({}), false);
  });
});

describe('log commands', () => {
  it('escapes data and properties so a message cannot end or inject a command', () => {
    assert.equal(errorAnnotation('github', '50% failed\nnext: line', 'a:b,c'), '::error title=a%3Ab%2Cc::50%25 failed%0Anext: line');
    assert.equal(errorAnnotation('azure', 'x%y\r\nz'), '##vso[task.logissue type=error]helm-canary: x%AZP25y%0D%0Az');
    assert.equal(azureSetOutput('stage;name]', 'a]b;c'), '##vso[task.setvariable variable=stage%3Bname%5D;isOutput=true]a]b;c');
    assert.deepEqual([groupStart('github', 'helm upgrade\nx'), groupEnd('github')], ['::group::helm upgrade x', '::endgroup::']);
    assert.deepEqual([groupStart('azure', 'helm upgrade'), groupEnd('azure')], ['##[group]helm upgrade', '##[endgroup]']);
  });
});

describe('step outputs and summary', () => {
  it('picks stage, name, tags, phase and weights out of the status', () => {
    assert.deepEqual(stepOutputs(STATUS), {
      stage: '3', stage_name: 'canary 90 %', stages: '7', stable_tag: '83', new_tag: '84', phase: 'in-progress', production_weight: '10', canary_weight: '90',
    });
  });

  it('GitHub: appends outputs to $GITHUB_OUTPUT and a summary to $GITHUB_STEP_SUMMARY', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hc-ci-'));
    try {
      const env = { GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: join(dir, 'out'), GITHUB_STEP_SUMMARY: join(dir, 'sum') };
      writeFileSync(env.GITHUB_OUTPUT, 'earlier=1\n');
      publishOutputs(STATUS, { env });
      const lines = readFileSync(env.GITHUB_OUTPUT, 'utf8').trim().split('\n');
      assert.equal(lines[0], 'earlier=1');
      assert.ok(lines.includes('stage=3') && lines.includes('stage_name=canary 90 %') && lines.includes('new_tag=84'), lines.join('\n'));
      const summary = readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8');
      assert.match(summary, /stage 3 of 7 \(canary 90 %\)/);
      assert.match(summary, /\| canary \| productpage-canary \| 84 \| 90 \| 1\/2 \|/);
      assert.match(summary, /Next: promote to stage 4/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Azure: sets output variables and uploads the summary; outside CI does nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hc-ci-'));
    try {
      const lines: string[] = [];
      publishOutputs(STATUS, { env: { TF_BUILD: 'True', AGENT_TEMPDIRECTORY: dir }, log: (l) => lines.push(l) });
      assert.ok(lines.includes('##vso[task.setvariable variable=stage;isOutput=true]3'));
      assert.ok(lines.includes('##vso[task.setvariable variable=stable_tag;isOutput=true]83'));
      const upload = lines.find((l) => l.startsWith('##vso[task.uploadsummary]'))!;
      assert.match(readFileSync(upload.slice('##vso[task.uploadsummary]'.length), 'utf8'), /stage 3 of 7/);
      const none: string[] = [];
      publishOutputs(STATUS, { env: { CI: 'true' }, log: (l) => none.push(l) });
      assert.deepEqual(none, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function fakeStream(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = { isTTY: false, write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

describe('reporter in CI', () => {
  it('wraps each step in a log group, reports the result after it, and never nests groups', () => {
    const { stream, text } = fakeStream();
    const reporter = createReporter(stream, { GITHUB_ACTIONS: 'true' });
    const outer = reporter.task('stage 2 step 1/2: helm upgrade');
    const inner = reporter.task('verify');
    inner.done();
    outer.done('ok');
    reporter.warn('drift ignored');
    const lines = text().trim().split('\n');
    assert.equal(lines[0], '::group::stage 2 step 1/2: helm upgrade');
    assert.equal(lines[1], '... verify');
    assert.match(lines[2]!, /^done verify/);
    assert.equal(lines[3], '::endgroup::');
    assert.match(lines[4]!, /^done stage 2 step 1\/2: helm upgrade \(\d+\.\ds\): ok$/);
    assert.equal(lines[5], '::warning title=helm-canary::drift ignored');
  });

  it('uses ##[group] on Azure and plain lines elsewhere', () => {
    const azure = fakeStream();
    createReporter(azure.stream, { TF_BUILD: 'True' }).task('apply').fail('boom');
    assert.match(azure.text(), /^##\[group\]apply\n##\[endgroup\]\nFAILED apply \(\d+\.\ds\): boom\n$/);
    const plain = fakeStream();
    createReporter(plain.stream, {}).task('apply').done();
    assert.match(plain.text(), /^\.\.\. apply\ndone apply/);
  });
});

describe('errors as annotations (built CLI)', () => {
  const bad = ['plan', '--release', 'Bad_Name', '--chart', '/nonexistent', '--repository', 'acr.io/x', '--stable-tag', '1', '--new-tag', '2'];
  it('GitHub: ::error:: with the message and every problem, exit code unchanged', async () => {
    const r = await runCli(bad, { env: { GITHUB_ACTIONS: 'true' } });
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /^::error title=helm-canary \(exit 2\)::invalid input: flags --chart, --release, and the configuration%0A--release: must be a valid Kubernetes name.*%0A--chart: \/nonexistent does not exist/m);
  });

  it('Azure: ##vso[task.logissue type=error]; none outside CI', async () => {
    const r = await runCli(bad, { env: { TF_BUILD: 'True', GITHUB_ACTIONS: '' } });
    assert.match(r.stderr, /^##vso\[task\.logissue type=error\]helm-canary \(exit 2\): invalid input: flags --chart, --release, and the configuration%0A/m);
    const plain = await runCli(bad, { env: { TF_BUILD: '', GITHUB_ACTIONS: '' } });
    assert.doesNotMatch(plain.stderr, /::error|##vso/);
  });
});
