// What the flags of `helm-canary pipeline github|azure` change in the generated files, read back
// from the YAML: pinned actions and tasks (Node 24 majors, an explicit helm, a pinned helm-canary
// with npm's cache, or the GitHub Action), checkout without kept credentials, Azure OIDC + AKS
// access, Azure approvers, rollback on cancel, the service connection, the runOnce output paths.
// Every file still passes GitHub's parser or the Azure schema. Wrong combinations exit 2 and
// write nothing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runCli, repoRoot } from '../helpers/run-cli.js';
import { azureProblems, parseGithubWorkflow } from './validate.js';
import { GITHUB_ACTIONS, AZURE_TASKS, KUBELOGIN_VERSION } from '../../src/pipeline/pinned-tools.js';
import { outputVariablePaths } from '../../src/pipeline/azure-pipeline.js';
import { runAzurePipeline, runGithubPipeline } from '../../src/cli/commands/actions/pipeline.js';
import { InputError } from '../../src/cli/errors.js';
import { chunksContaining, loadedFiles } from '../helpers/bundle-chunks.js';

const PINNED = ['--tool-version', '0.1.0', '--helm-version', '3.17.2'];
const helmBinary = (major: 3 | 4) => join(repoRoot, '.cache', 'helm', `helm${major}`);

type Step = { uses?: string; run?: string; name?: string; id?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Job = { steps: Step[] };

let repo: string;
before(() => {
  // A repository of its own, so that --out can point inside it.
  repo = mkdtempSync(join(tmpdir(), 'hc-pipeline-flags-'));
  writeFileSync(
    join(repo, 'canary.yaml'),
    `release: productpage\nnamespace: bookinfo\nchart: ${join(repoRoot, 'charts', 'canary-app')}\nimage:\n  repository: acr.io/bookinfo/productpage\nreplicas: 2\n`,
  );
});
after(() => rmSync(repo, { recursive: true, force: true }));

async function github(args: string[], env: Record<string, string> = {}): Promise<{ release: string; rollback: string; stderr: string }> {
  const dir = mkdtempSync(join(repo, '.github-'));
  const out = join(dir, 'canary.yml');
  const r = await runCli(['pipeline', 'github', '--out', out, ...args], { cwd: repo, env });
  assert.equal(r.exitCode, 0, r.stderr);
  const release = readFileSync(out, 'utf8');
  const rollback = readFileSync(join(dir, 'canary-rollback.yml'), 'utf8');
  for (const [name, text] of [['release.yml', release], ['rollback.yml', rollback]] as const) {
    assert.deepEqual((await parseGithubWorkflow(name, text)).errors, [], `${name} passes GitHub's parser`);
  }
  return { release, rollback, stderr: r.stderr };
}

async function azure(args: string[]): Promise<{ doc: any; text: string; stderr: string }> {
  const r = await runCli(['pipeline', 'azure', ...PINNED, ...args], { cwd: repo });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.deepEqual(azureProblems(r.stdout), []);
  return { doc: parse(r.stdout), text: r.stdout, stderr: r.stderr };
}

function jobsOf(text: string): [string, Job][] {
  return Object.entries(parse(text).jobs as Record<string, Job>);
}

function allSteps(doc: any): any[] {
  return doc.stages.flatMap((s: any) => s.jobs.flatMap((j: any) => j.steps ?? j.strategy.runOnce.deploy.steps));
}

describe('pipeline github: what every job runs', () => {
  it('pins each action to its node24 major, helm to --helm-version, node to 24, helm-canary to the generating version with npm\'s cache', async () => {
    const { release, rollback } = await github(PINNED);
    for (const text of [release, rollback]) {
      const doc = parse(text);
      assert.equal(doc.env.HELM_CANARY_VERSION, '0.1.0');
      for (const [id, job] of jobsOf(text)) {
        const uses = job.steps.filter((s) => s.uses).map((s) => s.uses);
        assert.deepEqual(uses, [GITHUB_ACTIONS.checkout, GITHUB_ACTIONS.setupNode, GITHUB_ACTIONS.setupHelm], id);
        const [checkout, node, helm, install] = job.steps;
        assert.deepEqual(checkout!.with, { 'persist-credentials': false }, `${id}: the token is not left in .git/config`);
        assert.equal(node!.with!['node-version'], 24);
        assert.equal(node!.with!.cache, 'npm');
        assert.deepEqual(helm!.with, { version: 'v3.17.2' });
        assert.equal(install!.run, 'npm install --global --prefer-online --no-audit --no-fund "helm-canary@${HELM_CANARY_VERSION}"');
      }
      assert.doesNotMatch(text, /@latest|version: latest|@v4\b|node-version: 20/);
    }
    assert.deepEqual(Object.values(GITHUB_ACTIONS).filter((ref) => !/^[\w-]+\/[\w-]+@v\d+(\.\d+)?$/.test(ref)), [], 'every action is pinned to a release tag');
  });

  it('keys npm\'s cache on the workflow file itself when it is written inside the repository (its text pins the version)', async () => {
    const { release, rollback } = await github(PINNED);
    const key = (text: string) => jobsOf(text)[0]![1].steps[1]!.with!['cache-dependency-path'] as string;
    assert.match(key(release), /^\.github-\w+\/canary\.yml$/);
    assert.match(key(rollback), /^\.github-\w+\/canary-rollback\.yml$/);
    assert.ok(existsSync(join(repo, key(release))));
  });

  it('pins the helm that this machine runs when --helm-version is not given ($HELM_BIN), and refuses when there is none', async () => {
    for (const [major, version] of [[3, 'v3.17.2'], [4, 'v4.1.4']] as const) {
      const { release } = await github(['--tool-version', '0.1.0'], { HELM_BIN: helmBinary(major), XDG_CACHE_HOME: join(repo, '.xdg') });
      const helm = jobsOf(release)[0]![1].steps.find((s) => s.uses === GITHUB_ACTIONS.setupHelm)!;
      assert.deepEqual(helm.with, { version }, `helm ${major}`);
    }
    const out = join(repo, 'no-helm.yml');
    const r = await runCli(['pipeline', 'github', '--out', out], { cwd: repo, env: { HELM_BIN: join(repo, 'no-such-helm'), XDG_CACHE_HOME: join(repo, '.xdg') } });
    assert.equal(r.exitCode, 2, r.stderr);
    assert.match(r.stderr, /cannot run helm .*no-such-helm/);
    assert.match(r.stderr, /pass --helm-version/);
    assert.equal(existsSync(out), false);
  });

  it('--auth azure: OIDC login (id-token: write), kubelogin and the AKS credentials instead of a kubeconfig secret', async () => {
    const { release, rollback } = await github([...PINNED, '--auth', 'azure', '--aks-resource-group', 'rg-shop', '--aks-cluster', 'aks-shop']);
    for (const text of [release, rollback]) {
      const doc = parse(text);
      assert.deepEqual(doc.permissions, { contents: 'read', 'id-token': 'write' });
      assert.doesNotMatch(text, /secrets\.KUBECONFIG|KUBECONFIG_CONTENT/);
      for (const [id, job] of jobsOf(text)) {
        const login = job.steps.find((s) => s.uses === GITHUB_ACTIONS.azureLogin);
        assert.deepEqual(login?.with, { 'client-id': '${{ secrets.AZURE_CLIENT_ID }}', 'tenant-id': '${{ secrets.AZURE_TENANT_ID }}', 'subscription-id': '${{ secrets.AZURE_SUBSCRIPTION_ID }}' }, id);
        assert.deepEqual(job.steps.find((s) => s.uses === GITHUB_ACTIONS.useKubelogin)?.with, { 'kubelogin-version': KUBELOGIN_VERSION });
        assert.deepEqual(job.steps.find((s) => s.uses === GITHUB_ACTIONS.aksSetContext)?.with, { 'resource-group': 'rg-shop', 'cluster-name': 'aks-shop', admin: 'false', 'use-kubelogin': 'true' });
        // access is set up before helm-canary runs
        const order = job.steps.map((s) => s.uses ?? s.run ?? '');
        assert.ok(order.indexOf(GITHUB_ACTIONS.aksSetContext) < order.findIndex((s) => s.startsWith('helm-canary ')), id);
      }
    }
    assert.match(release, /--auth azure --aks-resource-group rg-shop --aks-cluster aks-shop/, 'the header says how to regenerate it');
  });

  it('--action: each helm-canary step uses the action at that ref, with no node or npm install', async () => {
    const { release, rollback } = await github(['--helm-version', '3.17.2', '--action', 'my-org/helm-canary@v1']);
    assert.equal(parse(release).env, undefined);
    assert.doesNotMatch(release + rollback, /npm install|setup-node/);
    const jobs = Object.fromEntries(jobsOf(release));
    const canary = (id: string) => jobs[id]!.steps.find((s) => s.id === 'canary')!;
    assert.deepEqual(canary('stage-2'), { name: 'Stage 2: canary 10 % (90/10)', id: 'canary', uses: 'my-org/helm-canary@v1', with: { command: 'start', config: 'canary.yaml', 'new-tag': '${{ inputs.new-tag }}' } });
    assert.deepEqual(canary('stage-5').with, { command: 'promote', config: 'canary.yaml', stage: '5' });
    assert.deepEqual(canary('rollback').with, { command: 'rollback', config: 'canary.yaml' });
    assert.deepEqual(jobs['stage-3']!.steps.at(-1), { name: 'Status after the failure', if: 'failure()', uses: 'my-org/helm-canary@v1', with: { command: 'status', config: 'canary.yaml' } });
    assert.deepEqual(jobsOf(rollback)[0]![1].steps.at(-1)!.with, { command: 'rollback', config: 'canary.yaml' });
  });
});

describe('pipeline azure: judgment, rollback and access', () => {
  it('every job installs Node 24 with UseNode@1, helm at --helm-version and the pinned helm-canary; nothing says latest', async () => {
    const { doc, text } = await azure([]);
    assert.equal(doc.variables.HELM_CANARY_VERSION, '0.1.0');
    const steps = allSteps(doc);
    for (const [task, inputs] of [[AZURE_TASKS.useNode, { version: '24.x' }], [AZURE_TASKS.helmInstaller, { helmVersionToInstall: 'v3.17.2' }]] as const) {
      const found = steps.filter((s) => s.task === task);
      assert.equal(found.length, 7, task);
      for (const s of found) assert.deepEqual(s.inputs, inputs);
    }
    assert.doesNotMatch(text, /helmVersionToInstall: latest|@latest|NodeTool@0|ManualValidation@0/);
    assert.equal(doc.stages.at(-1).condition, 'or(failed(), canceled())', 'the rollback stage runs on a failure and on cancel');
  });

  it('--approvers: ManualValidation@1 with approvers; without, a warning on stderr and in the file', async () => {
    const named = await azure(['--variant', 'manual-validation', '--approvers', 'alice@contoso.com,bob@contoso.com']);
    const judges = named.doc.stages.slice(0, -1).map((s: any) => s.jobs[0].steps[0]);
    assert.equal(judges.length, 6);
    for (const j of judges) {
      assert.equal(j.task, 'ManualValidation@1');
      assert.equal(j.inputs.approvers, 'alice@contoso.com,bob@contoso.com');
    }
    assert.doesNotMatch(named.stderr, /warning/);
    assert.match(named.text, /# Only alice@contoso\.com,bob@contoso\.com may resume or reject\./);

    const anyone = await azure(['--variant', 'manual-validation']);
    assert.match(anyone.stderr, /^warning: no --approvers: anyone allowed to queue this pipeline can approve/m);
    assert.match(anyone.text, /# No approvers are named: anyone allowed to queue this pipeline can resume/);
    for (const s of anyone.doc.stages.slice(0, -1)) assert.equal(s.jobs[0].steps[0].inputs.approvers, undefined);
  });

  it('--service-connection: AzureCLI@2 fetches the AKS credentials and runs helm-canary in the same step; no secure file', async () => {
    const { doc, text } = await azure(['--service-connection', 'shop-prod', '--aks-resource-group', 'rg-shop', '--aks-cluster', 'aks-shop']);
    assert.doesNotMatch(text, /DownloadSecureFile|secureFilePath/);
    const jobs = doc.stages.map((s: any) => s.jobs[0]);
    for (const job of jobs) {
      const steps = job.strategy.runOnce.deploy.steps;
      assert.deepEqual(steps.find((s: any) => s.task === AZURE_TASKS.kubeloginInstaller)?.inputs, { kubeloginVersion: KUBELOGIN_VERSION });
      const cli = steps.find((s: any) => s.name === 'canary');
      assert.equal(cli.task, 'AzureCLI@2');
      assert.equal(cli.inputs.azureSubscription, 'shop-prod');
      assert.equal(cli.inputs.scriptType, 'bash');
      assert.equal(cli.inputs.scriptLocation, 'inlineScript');
      const lines = cli.inputs.inlineScript.trim().split('\n');
      assert.deepEqual(lines.slice(0, 4), [
        'set -euo pipefail',
        'export KUBECONFIG="$AGENT_TEMPDIRECTORY/kubeconfig"',
        'az aks get-credentials --resource-group rg-shop --name aks-shop --file "$KUBECONFIG" --only-show-errors',
        'kubelogin convert-kubeconfig --login azurecli --kubeconfig "$KUBECONFIG"',
      ]);
      assert.match(lines[4], /^helm-canary (start|promote|rollback) -f canary\.yaml/);
    }
    assert.deepEqual(jobs[0].strategy.runOnce.deploy.steps.find((s: any) => s.name === 'canary').env, { NEW_TAG: '${{ parameters.newTag }}' });
  });

  it('documents the output variables with the job name twice for runOnce deployment jobs, once for agent jobs', async () => {
    const env = await azure([]);
    assert.match(env.text, /dependencies\.move\.outputs\['move\.canary\.stage'\]/);
    assert.match(env.text, /stageDependencies\.stage_3\.move\.outputs\['move\.canary\.stage'\]/);
    assert.ok(env.doc.stages[1].jobs[0].deployment === 'move' && env.doc.stages[1].jobs[0].strategy.runOnce);
    const manual = await azure(['--variant', 'manual-validation', '--approvers', 'a@b.c']);
    assert.match(manual.text, /stageDependencies\.stage_3\.move\.outputs\['canary\.stage'\]/);
    assert.ok(manual.doc.stages[1].jobs[1].job === 'move');
    // the README shows the same paths as the generator
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    for (const variant of ['environment', 'manual-validation'] as const) {
      const paths = outputVariablePaths(variant, 3, 'stage');
      assert.ok(readme.includes(paths.laterStage), `README shows ${paths.laterStage}`);
    }
  });
});

describe('pipeline flags that do not fit together', () => {
  // Checked in-process against the flags as commander hands them over (defaults included); the
  // built CLI's exit code and files are checked for a few of them below.
  const GH = { auth: 'kubeconfig', runsOn: 'ubuntu-latest' } as const;
  const AZ = { variant: 'environment', vmImage: 'ubuntu-latest' } as const;
  const CASES: [string, () => Promise<void>, RegExp][] = [
    ['github --auth azure without the resource group', () => runGithubPipeline({ ...GH, auth: 'azure', aksCluster: 'aks-shop' }, sink), /--auth azure needs --aks-resource-group/],
    ['github --aks-* without --auth azure', () => runGithubPipeline({ ...GH, aksCluster: 'aks-shop', aksResourceGroup: 'rg' }, sink), /--aks-resource-group and --aks-cluster need --auth azure/],
    ['github --auth azure with --kubeconfig-secret', () => runGithubPipeline({ ...GH, auth: 'azure', aksCluster: 'c', aksResourceGroup: 'rg', kubeconfigSecret: 'KC' }, sink), /--kubeconfig-secret is for --auth kubeconfig/],
    ['github --action with --tool-version', () => runGithubPipeline({ ...GH, action: 'my-org/helm-canary@v1', toolVersion: '0.1.0' }, sink), /with --action the action's ref chooses the version/],
    ['github --action without a ref', () => runGithubPipeline({ ...GH, action: 'helm-canary' }, sink), /--action: an action reference OWNER\/REPO@REF/],
    ['github --kubeconfig-secret with an expression', () => runGithubPipeline({ ...GH, kubeconfigSecret: 'KUBE }}${{ github.token' }, sink), /--kubeconfig-secret: a secret name/],
    ['github --helm-version latest', () => runGithubPipeline({ ...GH, helmVersion: 'latest' }, sink), /--helm-version: a helm release such as 3\.17\.2/],
    ['github --helm-version below the floor', () => runGithubPipeline({ ...GH, helmVersion: '3.7.0' }, sink), /--helm-version: helm 3\.7\.0 is too old/],
    ['azure --approvers with environments', () => runAzurePipeline({ ...AZ, approvers: 'a@b.c' }, sink), /--approvers is for --variant manual-validation/],
    ['azure --notify with environments', () => runAzurePipeline({ ...AZ, notify: 'a@b.c' }, sink), /--notify is for --variant manual-validation/],
    ['azure --service-connection without the cluster', () => runAzurePipeline({ ...AZ, serviceConnection: 'prod' }, sink), /--service-connection needs --aks-resource-group/],
    ['azure --service-connection with a secure file', () => runAzurePipeline({ ...AZ, serviceConnection: 'prod', aksCluster: 'c', aksResourceGroup: 'rg', kubeconfigSecureFile: 'kc' }, sink), /pass one/],
    ['azure --aks-* without --service-connection', () => runAzurePipeline({ ...AZ, aksCluster: 'c', aksResourceGroup: 'rg' }, sink), /need --service-connection/],
    ['azure --aks-cluster with shell text', () => runAzurePipeline({ ...AZ, serviceConnection: 'prod', aksCluster: 'c; rm -rf /', aksResourceGroup: 'rg' }, sink), /--aks-cluster: an AKS cluster name/],
  ];
  const written: string[] = [];
  const sink = { stdout: { write: (t: string) => written.push(t) }, stderr: { write: (t: string) => written.push(t) } } as never;

  it('each is a bad-input error (exit 2) naming the problem, raised before the config is read or anything written', async () => {
    for (const [label, run, message] of CASES) {
      await assert.rejects(run(), (err: InputError) => {
        assert.ok(err instanceof InputError, label);
        assert.equal(err.exitCode, 2, label);
        assert.match(err.problems.join('\n'), message, label);
        return true;
      });
    }
    assert.deepEqual(written, []);
  });

  it('the built CLI exits 2 and writes nothing, reporting every problem of the command line at once', async () => {
    const out = join(repo, 'bad', 'w.yml');
    const [azureAndAction, approvers, choice] = await Promise.all([
      runCli(['pipeline', 'github', '--out', out, '--auth', 'azure', '--action', 'x', '--helm-version', 'v3'], { cwd: repo }),
      runCli(['pipeline', 'azure', '--out', out, '--approvers', 'a@b.c'], { cwd: repo }),
      runCli(['pipeline', 'github', '--out', out, '--auth', 'gcp'], { cwd: repo }),
    ]);
    for (const r of [azureAndAction, approvers, choice]) {
      assert.equal(r.exitCode, 2, r.stderr);
      assert.equal(r.stdout, '');
    }
    for (const m of [/--helm-version:/, /--action:/, /needs --aks-resource-group/, /needs --aks-cluster/]) assert.match(azureAndAction.stderr, m);
    assert.match(approvers.stderr, /--approvers is for --variant manual-validation/);
    assert.match(choice.stderr, /argument 'gcp' is invalid/);
    assert.equal(existsSync(join(repo, 'bad')), false);
  });
});

describe('pipeline config outside the repository root', () => {
  it('exits 2: the jobs start at the root and could not pass the file to helm-canary', async () => {
    const sub = mkdtempSync(join(repo, 'sub-'));
    const r = await runCli(['pipeline', 'azure', '-f', '../canary.yaml', ...PINNED], { cwd: sub });
    assert.equal(r.exitCode, 2, r.stderr);
    assert.match(r.stderr, /canary\.yaml is outside this directory/);
    assert.equal(r.stdout, '');
  });
});

describe('pipeline needs no cluster', () => {
  it('never loads the Kubernetes client, not even when it asks helm for its version', async () => {
    const client = chunksContaining('node_modules/@kubernetes/client-node/');
    assert.ok(client.length > 0, 'the bundle has a chunk with the client');
    const trace = ['--import', join(repoRoot, 'test', 'fixtures', 'cli', 'trace-imports.mjs')];
    for (const args of [['pipeline', 'github'], ['pipeline', 'azure', '--service-connection', 'x', '--aks-resource-group', 'rg', '--aks-cluster', 'c']]) {
      const r = await runCli(args, { cwd: repo, nodeArgs: trace, env: { HELM_BIN: helmBinary(4) } });
      assert.equal(r.exitCode, 0, r.stderr);
      const loaded = loadedFiles(r.stderr);
      assert.ok(loaded.some((f) => f.startsWith('pipeline-')), 'the trace sees the pipeline chunk');
      assert.deepEqual(loaded.filter((f) => client.includes(f)), [], args.join(' '));
    }
  });
});

describe('pipeline --help', () => {
  it('explains the new flags', async () => {
    const gh = await runCli(['pipeline', 'github', '--help']);
    for (const flag of ['--auth <kind>', '--action <owner/repo@ref>', '--helm-version <version>', '--aks-resource-group <name>', '--aks-cluster <name>', 'id-token: write', 'exit 2 before anything is written']) {
      assert.ok(gh.stdout.includes(flag), `github --help mentions ${flag}`);
    }
    const az = await runCli(['pipeline', 'azure', '--help']);
    for (const flag of ['--approvers <list>', '--service-connection <name>', '--helm-version <version>', 'ManualValidation@1', 'AzureCLI@2', 'cancelled', 'anyone']) {
      assert.ok(az.stdout.includes(flag), `azure --help mentions ${flag}`);
    }
  });
});
