// The progress reporter on each kind of stderr: a terminal gets a spinner whose line carries a
// wait's ready counts; TERM=dumb, NO_COLOR and pipes get plain lines with no escape codes; a CI log
// group holds the helm output of its step (upgrade and rollback, not the reads); --debug shows
// every helm call. Reporter over a collecting stream, fixed clock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createReporter } from '../../src/cli/progress.js';
import type { WaitProgress } from '../../src/rollout/ports.js';

function stream(isTTY: boolean) {
  return { text: '', isTTY, write(chunk: string) { this.text += chunk; return true; } };
}

const PROGRESS: WaitProgress = {
  elapsedMs: 5_000,
  timeoutMs: 300_000,
  deployments: [{ role: 'canary', name: 'web-canary', ready: 1, updated: 2, desired: 2 }],
  missing: ['canary Deployment web-canary has 1/2 ready replicas at r/web:v2'],
};
const WAIT_LINE = '  waiting 5s of 300s: canary 1/2 ready; canary Deployment web-canary has 1/2 ready replicas at r/web:v2';

describe('progress on a terminal', () => {
  it('draws a spinner, shows the ready counts on its line (no extra line), and ends with a mark', async () => {
    const out = stream(true);
    const reporter = createReporter(out, {}, { now: () => 0 });
    const task = reporter.task('stage 2: traffic 100/0 -> 90/10');
    reporter.waiting!(PROGRESS);
    await sleep(250);
    task.done();
    assert.match(out.text, /\r\x1b\[2K⠋ stage 2: traffic 100\/0 -> 90\/10 0\.0s/);
    assert.match(out.text, /\r\x1b\[2K. stage 2: traffic 100\/0 -> 90\/10 0\.0s {2}canary 1\/2 ready/);
    assert.ok(out.text.endsWith('\r\x1b[2K✔ stage 2: traffic 100/0 -> 90/10 (0.0s)\n'));
    assert.ok(!out.text.includes('waiting 5s'), 'no log line on a terminal');
  });

  for (const [name, env] of [['TERM=dumb', { TERM: 'dumb' }], ['NO_COLOR', { NO_COLOR: '1' }], ['CI', { CI: 'true' }]] as const) {
    it(`${name}: plain lines, no spinner, no escape codes, a line per wait report`, async () => {
      const out = stream(true);
      const reporter = createReporter(out, env, { now: () => 0 });
      const task = reporter.task('stage 2');
      reporter.waiting!(PROGRESS);
      await sleep(150);
      task.done();
      assert.equal(out.text, `... stage 2\n${WAIT_LINE}\ndone stage 2 (0.0s)\n`);
    });
  }

  it('--debug on a terminal: a helm line clears the spinner line first', async () => {
    const out = stream(true);
    const reporter = createReporter(out, {}, { now: () => 0, debug: true });
    const task = reporter.task('stage 2');
    reporter.helmCommand!('helm', ['upgrade', '--install', 'web', 'chart dir']);
    reporter.helmOutput!('Release "web" has been upgraded.', 'stdout');
    task.done();
    assert.match(out.text, /\r\x1b\[2K {2}\$ helm upgrade --install web 'chart dir'\n\r\x1b\[2K {2}helm: Release "web" has been upgraded\.\n/);
  });
});

describe('helm output in CI log groups', () => {
  it("GitHub: an upgrade's command and output inside its step's group; reads and calls outside a step are not shown", () => {
    const out = stream(false);
    const reporter = createReporter(out, { GITHUB_ACTIONS: 'true' }, { now: () => 0 });
    reporter.helmCommand!('helm', ['status', 'web']);
    reporter.helmOutput!('STATUS: deployed', 'stdout');
    const task = reporter.task('stage 2');
    reporter.helmCommand!('helm', ['get', 'values', 'web']);
    reporter.helmOutput!('secret: s3cr3t', 'stdout');
    reporter.helmCommand!('helm', ['upgrade', '--install', 'web', './chart']);
    reporter.helmOutput!('Release "web" has been upgraded.', 'stdout');
    reporter.helmOutput!('W1130 a warning', 'stderr');
    task.done();
    assert.equal(
      out.text,
      [
        '::group::stage 2',
        '  $ helm upgrade --install web ./chart',
        '  helm: Release "web" has been upgraded.',
        '  helm (stderr): W1130 a warning',
        '::endgroup::',
        'done stage 2 (0.0s)',
        '',
      ].join('\n'),
    );
  });

  it("Azure: the rollback's output inside ##[group]", () => {
    const out = stream(false);
    const reporter = createReporter(out, { TF_BUILD: 'True' }, { now: () => 0 });
    const task = reporter.task('recovering');
    reporter.helmCommand!('helm', ['rollback', 'web', '3']);
    reporter.helmOutput!('Rollback was a success! Happy Helming!', 'stdout');
    task.done();
    assert.equal(out.text, '##[group]recovering\n  $ helm rollback web 3\n  helm: Rollback was a success! Happy Helming!\n##[endgroup]\ndone recovering (0.0s)\n');
  });

  it('--debug: every helm call and its output, inside a step or not', () => {
    const out = stream(false);
    const reporter = createReporter(out, {}, { now: () => 0, debug: true });
    reporter.helmCommand!('/opt/helm', ['status', 'web', '--output', 'json']);
    reporter.helmOutput!('{"name":"web"}', 'stdout');
    assert.equal(out.text, '  $ /opt/helm status web --output json\n  helm: {"name":"web"}\n');
  });
});
