// What the CLI says about its own flags and about a chart that fails to render: each command's
// help lists only the options it uses, a second -f is refused, flag problems are titled as flag
// problems (not as the config file's), and a chart's template failure blames the chart first
// (issue 10, defects 11 and 13). A flag's problem names the flag, a file's the field.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runCli } from '../helpers/run-cli.js';
import { HelmError } from '../../src/helm/helm-error.js';

let dir: string;
let config: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'hc-flags-'));
  config = join(dir, 'canary.yaml');
  writeFileSync(
    config,
    [
      'release: productpage',
      'namespace: bookinfo',
      `chart: ${join(repoRoot, 'charts', 'canary-app')}`,
      'image:',
      '  repository: acr.io/app',
      'replicas: 2',
      '',
    ].join('\n'),
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[]) => runCli(args, { cwd: dir });

/** optionsOf lists the long option names a command's --help shows. */
async function optionsOf(command: string): Promise<string[]> {
  const r = await cli([command, '--help']);
  assert.equal(r.exitCode, 0, r.stderr);
  return [...r.stdout.matchAll(/^\s+(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]!);
}

describe('each command lists only the options it uses (defect 11)', () => {
  it('status --help lists no option of a rollout or a plan', async () => {
    const options = await optionsOf('status');
    // status's --timeout is its own (how long --wait-for waits), not helm's
    const help = (await cli(['status', '--help'])).stdout;
    assert.match(help, /--timeout <duration>\s+with --wait-for: how long to wait/);
    for (const unused of ['--steps', '--drain-seconds', '--plan', '--replicas', '--repository', '--chart', '--values', '--dry-run', '--yes']) {
      assert.ok(!options.includes(unused), `status --help lists ${unused}: ${options.join(' ')}`);
    }
    for (const used of ['--file', '--release', '--namespace', '--kubeconfig', '--context', '--kube-context', '--helm', '--output', '--all']) {
      assert.ok(options.includes(used), `status --help lacks ${used}: ${options.join(' ')}`);
    }
  });

  it('status refuses a rollout-only option as unknown (exit 2)', async () => {
    const r = await cli(['status', '--steps', '10,90,100']);
    assert.equal(r.exitCode, 2, r.stderr);
    assert.match(r.stderr, /unknown option '--steps'/);
  });

  it('the rollout commands keep their options', async () => {
    for (const command of ['plan', 'deploy', 'start', 'promote', 'rollback', 'run']) {
      const options = await optionsOf(command);
      for (const used of ['--file', '--release', '--timeout', '--steps', '--drain-seconds']) {
        assert.ok(options.includes(used), `${command} --help lacks ${used}`);
      }
    }
  });
});

describe('a second -f is refused (defect 11)', () => {
  for (const args of [['-f', 'a.yaml', '-f', 'b.yaml'], ['--file', 'a.yaml', '--file=b.yaml'], ['-f', 'canary.yaml', '-f', 'canary.yaml']]) {
    it(`plan ${args.join(' ')}: exit 2, "-f given twice"`, async () => {
      const r = await cli(['plan', ...args, '--stable-tag', '83', '--new-tag', '84']);
      assert.equal(r.exitCode, 2, r.stderr);
      assert.match(r.stderr, /-f given twice/);
      assert.equal(r.stdout, '');
    });
  }

  it('status -f a -f b too', async () => {
    const r = await cli(['status', '-f', 'a.yaml', '-f', 'b.yaml']);
    assert.equal(r.exitCode, 2, r.stderr);
    assert.match(r.stderr, /-f given twice/);
  });
});

describe('flag problems are titled as flag problems, file problems name the file (defect 11)', () => {
  it('plan --replicas 0 over a good canary.yaml: "invalid flag --replicas"', async () => {
    const r = await cli(['plan', '--replicas', '0', '--stable-tag', '83', '--new-tag', '84']);
    assert.equal(r.exitCode, 2, r.stderr);
    const lines = r.stderr.split('\n');
    assert.equal(lines[0], 'error: invalid flag --replicas');
    assert.ok(lines.some((l) => /^\s+--replicas: must be at least 1 \(got 0\)$/.test(l)), r.stderr);
    assert.doesNotMatch(r.stderr, /canary\.yaml/);
  });

  it('plan --steps 10,120 --replicas 0: "invalid flags --replicas, --steps"', async () => {
    const r = await cli(['plan', '--steps', '10,120', '--replicas', '0', '--stable-tag', '83', '--new-tag', '84']);
    assert.equal(r.exitCode, 2, r.stderr);
    assert.equal(r.stderr.split('\n')[0], 'error: invalid flags --replicas, --steps');
    assert.match(r.stderr, /^\s+--steps \(plan\.steps\[1\]\): must be a whole number between 1 and 100 \(got 120\)$/m);
  });

  it('a problem of the file still names the file', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'release: productpage\nreplicas: 0\n');
    const r = await cli(['plan', '-f', bad, '--stable-tag', '83', '--new-tag', '84']);
    assert.equal(r.exitCode, 2, r.stderr);
    assert.equal(r.stderr.split('\n')[0], `error: invalid configuration in ${bad}`);
    assert.match(r.stderr, /^\s+replicas: must be at least 1 \(got 0\)$/m);
  });

  it('a flag problem and a file problem together name both', async () => {
    const bad = join(dir, 'bad-repo.yaml');
    writeFileSync(bad, `release: productpage\nchart: ${join(repoRoot, 'charts', 'canary-app')}\nimage: {}\nreplicas: 2\n`);
    const r = await cli(['plan', '-f', bad, '--steps', '10,120', '--stable-tag', '83', '--new-tag', '84']);
    assert.equal(r.exitCode, 2, r.stderr);
    assert.equal(r.stderr.split('\n')[0], `error: invalid input: flag --steps, and the configuration in ${bad}`);
    assert.match(r.stderr, /^\s+image\.repository: is required$/m);
    assert.match(r.stderr, /^\s+--steps \(plan\.steps\[1\]\): /m);
  });

  it('status --release with a bad name: "invalid flag --release"', async () => {
    const r = await cli(['status', '--release', 'Not_A_Name', '-n', 'x']);
    assert.equal(r.exitCode, 2, r.stderr);
    assert.equal(r.stderr.split('\n')[0], 'error: invalid flag --release');
    assert.match(r.stderr, /^\s+--release: must be a valid Kubernetes name/m);
  });
});

describe("a chart's template failure blames the chart, not only the values (defect 13)", () => {
  const failure = (stderr: string, command = ['upgrade', '--install', 'productpage', '/charts/canary-app']) =>
    new HelmError({ binary: 'helm', command, exitCode: 1, stderr, timedOut: false });

  it("a `fail` in a template names the chart's template, with the values as the other cause", () => {
    const e = failure('Error: UPGRADE FAILED: execution error at (canary-app/templates/virtualservice.yaml:2:4): weights must sum to 100');
    assert.equal(e.kind, 'invalid-values');
    assert.doesNotMatch(e.message, /hint: fix the values/);
    assert.match(e.message, /hint: the template canary-app\/templates\/virtualservice\.yaml of chart canary-app failed/);
    assert.match(e.message, /fix the chart, or the values it rejects/);
    assert.match(e.message, /nothing was applied/);
  });

  it('a template that cannot execute (helm template) names the chart too', () => {
    const e = failure(
      'Error: template: canary-app/templates/deployment.yaml:12:20: executing "canary-app/templates/deployment.yaml" at <.Values.x.y>: nil pointer evaluating interface {}.y',
      ['template', 'productpage', '/charts/canary-app'],
    );
    assert.match(e.message, /hint: the template canary-app\/templates\/deployment\.yaml of chart canary-app failed/);
  });

  it('values that break the schema or do not parse still say: fix the values', () => {
    assert.match(failure("Error: values don't meet the specifications of the schema(s) in the following chart(s):\ncanary-app:\n- replicas: Invalid type").message, /hint: fix the values/);
    assert.match(failure('Error: failed to parse f.yaml: error converting YAML to JSON: yaml: line 2').message, /hint: fix the values/);
  });
});
