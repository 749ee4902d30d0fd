// `helm-canary __post-render <values-file>` as helm runs it (the built CLI): a manifest on stdin,
// the stage in the values file's helmCanary key, the manifest with the canary on stdout; any
// error leaves stdout empty and exits 1, so helm applies nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { chunksContaining, loadedFiles } from '../helpers/bundle-chunks.js';
import { repoRoot, runCli } from '../helpers/run-cli.js';
import { helmAvailable } from '../sim/helm-env.js';
import { createChart, makeHelm, makeWorkspace, objectsOf, STAGE, writeStageValues, kindsAndNames } from './post-render-env.js';

describe('helm-canary __post-render', { skip: !helmAvailable() && 'run `npm run helm:setup` first' }, () => {
  let dir: string;
  let rendered: string;
  let values: string;

  before(async () => {
    dir = await makeWorkspace();
    const helm = await makeHelm(4, dir);
    const chart = await createChart(helm, dir);
    const template = await helm.run(['template', 'rel', chart, '--namespace', 'shop']);
    assert.equal(template.code, 0, template.stderr);
    rendered = template.stdout;
    values = await writeStageValues(dir);
  });
  after(() => rm(dirname(dir), { recursive: true, force: true }));

  it("adds the canary Deployment, DestinationRule and VirtualService to helm create's chart", async () => {
    const r = await runCli(['__post-render', values], { input: rendered, stdin: 'pipe' });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stderr, '');
    const names = kindsAndNames(r.stdout);
    for (const object of ['Deployment/rel-web', 'Deployment/rel-web-canary', 'DestinationRule/rel-web', 'VirtualService/rel-web', 'Service/rel-web']) {
      assert.ok(names.includes(object), `${object} in ${names.join(', ')}`);
    }
    const canary = objectsOf(r.stdout).find((o) => o.metadata.name === 'rel-web-canary')!;
    assert.equal(canary.spec.template.spec.containers[0].image, 'nginx:1.26');
    assert.equal(canary.spec.replicas, 1);
  });

  it('refuses a bad helmCanary value, naming the file and the field, with nothing on stdout (exit 1)', async () => {
    const bad = await writeStageValues(dir, { ...STAGE, production: { ...STAGE.production, weight: 150 }, canary: { ...STAGE.canary, tag: undefined } }, 'bad.yaml');
    const r = await runCli(['__post-render', bad], { input: rendered, stdin: 'pipe' });
    assert.equal(r.exitCode, 1);
    assert.equal(r.stdout, '');
    assert.ok(r.stderr.includes(bad), r.stderr);
    assert.match(r.stderr, /helmCanary\.production\.weight: must be 0 to 100 \(got 150\)/);
    assert.match(r.stderr, /helmCanary\.canary\.tag: is required/);
  });

  it('refuses a values file without helmCanary, and one that does not exist', async () => {
    const plain = join(dir, 'plain.yaml');
    await writeFile(plain, 'image:\n  tag: "1"\n');
    const none = await runCli(['__post-render', plain], { input: rendered, stdin: 'pipe' });
    assert.equal(none.exitCode, 1);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /plain\.yaml has no helmCanary key/);
    const missing = await runCli(['__post-render', join(dir, 'missing.yaml')], { input: rendered, stdin: 'pipe' });
    assert.equal(missing.exitCode, 1);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /cannot read the values file .*missing\.yaml: ENOENT/);
  });

  it("passes the overlay's refusal on with its hints, and writes it where helm 4's caller reads it", async () => {
    const errorFile = join(dir, 'post-render-error.txt');
    const noDeployment = rendered.split(/^---$/m).filter((doc) => !/^kind: Deployment$/m.test(doc)).join('---');
    const r = await runCli(['__post-render', values], { input: noDeployment, stdin: 'pipe', env: { HELM_CANARY_POST_RENDER_ERROR_FILE: errorFile } });
    assert.equal(r.exitCode, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^error: post-renderer: /);
    const recorded = await readFile(errorFile, 'utf8');
    assert.ok(recorded.startsWith('post-renderer: '), recorded);
    assert.ok(r.stderr.includes(recorded.split('\n')[0]!), 'the same message on stderr and in the file');
  });

  it('is hidden from --help and never loads the Kubernetes client', async () => {
    const help = await runCli(['--help']);
    assert.doesNotMatch(help.stdout, /post-render/);
    const client = chunksContaining('node_modules/@kubernetes/client-node/');
    assert.ok(client.length > 0, 'the bundle has a chunk with the client');
    const trace = ['--import', join(repoRoot, 'test', 'fixtures', 'cli', 'trace-imports.mjs')];
    const r = await runCli(['__post-render', values], { input: rendered, stdin: 'pipe', nodeArgs: trace });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual(loadedFiles(r.stderr).filter((f) => client.includes(f)), []);
  });
});
