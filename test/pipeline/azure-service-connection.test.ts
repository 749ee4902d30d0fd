// End to end: the AzureCLI@2 scripts of `pipeline azure --service-connection` run as the task
// would run them (bash, AGENT_TEMPDIRECTORY, the step's env, TF_BUILD), against the simulated
// cluster with real helm 4. Only Azure is stood in for: an `az` on PATH that "fetches" the AKS
// credentials by copying the simulator's kubeconfig to --file, and a `kubelogin` that records
// its arguments. The job's own KUBECONFIG is unset, so helm-canary can only reach the cluster
// through the file the script fetched.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { givenCluster, stageShape, type Env } from '../helpers/e2e.js';
import { cliPath, runCli } from '../helpers/run-cli.js';

interface CliStep {
  name: string;
  task: string;
  inputs: { inlineScript: string };
  env?: Record<string, string>;
}

describe('Azure pipeline with a service connection: the AzureCLI@2 scripts against the simulated cluster (helm 4)', () => {
  let env: Env;
  let steps: Map<string, CliStep>;
  let bin: string;
  let temp: string;

  before(async () => {
    env = await givenCluster(4, { config: { helm: { timeout: '5s' } } });
    const deployed = await env.cli(['deploy', '--tag', '1.0']);
    assert.equal(deployed.exitCode, 0, deployed.stderr);
    const generated = await runCli(['pipeline', 'azure', '--service-connection', 'shop-prod', '--aks-resource-group', 'rg-shop', '--aks-cluster', 'aks-shop'], { cwd: env.dir, env: env.env });
    assert.equal(generated.exitCode, 0, generated.stderr);
    const doc = parse(generated.stdout);
    steps = new Map(
      doc.stages.map((s: any) => [s.stage, s.jobs[0].strategy.runOnce.deploy.steps.find((step: any) => step.name === 'canary')]),
    );
    bin = join(env.dir, 'fake-bin');
    temp = join(env.dir, 'agent-temp');
    mkdirSync(bin);
    mkdirSync(temp);
    const script = (name: string, body: string) => {
      writeFileSync(join(bin, name), `#!/bin/bash\nset -euo pipefail\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    script('az', [
      'echo "az $*" >> "$FAKE_LOG"',
      'file=""; while [ $# -gt 0 ]; do if [ "$1" = --file ]; then file="$2"; fi; shift; done',
      'cp "$SIM_KUBECONFIG" "$file"',
    ].join('\n'));
    script('kubelogin', 'echo "kubelogin $*" >> "$FAKE_LOG"');
    script('helm-canary', `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)} "$@"`);
  });
  after(() => env.stop());

  // Runs a stage's script the way AzureCLI@2 does: bash, the step's env (with the newTag parameter).
  async function runStage(stage: string, newTag?: string) {
    const step = steps.get(stage)!;
    assert.equal(step.task, 'AzureCLI@2');
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, v.replace('${{ parameters.newTag }}', newTag ?? '')]));
    const { KUBECONFIG, ...rest } = env.env;
    const log = join(env.dir, `fake-${stage}.log`);
    const r = await execa('bash', ['-c', step.inputs.inlineScript], {
      cwd: env.dir,
      env: { ...rest, ...stepEnv, PATH: `${bin}:${process.env.PATH}`, AGENT_TEMPDIRECTORY: temp, SIM_KUBECONFIG: KUBECONFIG!, FAKE_LOG: log, TF_BUILD: 'True' },
      extendEnv: false,
      reject: false,
      all: true,
      stdin: 'ignore',
    });
    return { exitCode: r.exitCode, output: String(r.all), calls: readFileSync(log, 'utf8').trim().split('\n') };
  }

  it('fetches the credentials, converts them with kubelogin and moves the release; the rollback stage returns it to stable', async () => {
    const kubeconfig = join(temp, 'kubeconfig');
    const start = await runStage('stage_2', '2.0');
    assert.equal(start.exitCode, 0, start.output);
    assert.deepEqual(start.calls, [
      `az aks get-credentials --resource-group rg-shop --name aks-shop --file ${kubeconfig} --only-show-errors`,
      `kubelogin convert-kubeconfig --login azurecli --kubeconfig ${kubeconfig}`,
    ]);
    assert.match(start.output, /^##vso\[task\.setvariable variable=stage;isOutput=true\]2$/m);
    assert.equal(stageShape(await env.observe()), 'P 1.0/2/90 C 2.0/2/10');

    const promote = await runStage('stage_3');
    assert.equal(promote.exitCode, 0, promote.output);
    assert.match(promote.output, /^##vso\[task\.setvariable variable=stage;isOutput=true\]3$/m);

    const rollback = await runStage('rollback');
    assert.equal(rollback.exitCode, 0, rollback.output);
    assert.match(rollback.output, /^##vso\[task\.setvariable variable=phase;isOutput=true\]rolled-back$/m);
    assert.equal(stageShape(await env.observe()), 'P 1.0/2/100 C 1.0/0/0');
  });

  it('fails the step when the credentials cannot be fetched (set -e), before helm-canary runs', async () => {
    writeFileSync(join(bin, 'az'), '#!/bin/bash\necho "az $*" >> "$FAKE_LOG"\necho "ERROR: (AuthorizationFailed)" >&2\nexit 1\n');
    const r = await runStage('stage_4');
    assert.equal(r.exitCode, 1);
    assert.match(r.output, /AuthorizationFailed/);
    assert.equal(r.calls.length, 1, 'neither kubelogin nor helm-canary ran');
  });
});
