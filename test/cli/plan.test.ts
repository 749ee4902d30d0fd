import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { runCli, repoRoot } from '../helpers/run-cli.js';
import { chunksContaining, loadedFiles } from '../helpers/bundle-chunks.js';

const releaseArgs = ['--release', 'productpage', '--namespace', 'bookinfo', '--repository', 'acr.io/bookinfo/productpage', '--replicas', '2'];
const base = [...releaseArgs, '--stable-tag', '83', '--new-tag', '84'];
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'hc-plan-'));
  mkdirSync(join(dir, 'chart'));
});

describe('helm-canary plan', () => {
  it('prints the seven stages as a table', async () => {
    const r = await runCli(['plan', ...base, '--chart', join(dir, 'chart')]);
    assert.equal(r.exitCode, 0, r.stderr);
    const rows = r.stdout.split('\n').filter((l) => /^\d  /.test(l)).map((l) => l.split(/\s{2,}/));
    assert.deepEqual(rows, [
      ['1', 'stable', '83', '100', '2', '83', '0', '0'],
      ['2', 'canary 10 %', '83', '90', '2', '84', '2', '10'],
      ['3', 'canary 90 %', '83', '10', '2', '84', '2', '90'],
      ['4', 'canary 100 %', '83', '0', '2', '84', '2', '100'],
      ['5', 'production updated', '84', '0', '2', '84', '2', '100'],
      ['6', 'traffic back', '84', '100', '2', '84', '2', '0'],
      ['7', 'new stable', '84', '100', '2', '84', '0', '0'],
    ]);
    assert.match(r.stdout, /2a\s+canary tag 83 -> 84, replicas 0 -> 2\n\s+2b\s+traffic 100\/0 -> 90\/10/);
  });

  it('prints the documented JSON shape', async () => {
    const r = await runCli(['plan', ...base, '--chart', join(dir, 'chart'), '--steps', '5,25,50,100', '--output', 'json']);
    assert.equal(r.exitCode, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.release, 'productpage');
    assert.equal(doc.namespace, 'bookinfo');
    assert.equal(doc.stages.length, 8);
    const s2 = doc.stages[1];
    assert.equal(s2.number, 2);
    assert.equal(s2.name, 'canary 5 %');
    assert.deepEqual(s2.production, { repository: 'acr.io/bookinfo/productpage', tag: '83', replicas: 2, weight: 95 });
    assert.deepEqual(s2.canary, { repository: 'acr.io/bookinfo/productpage', tag: '84', replicas: 2, weight: 5 });
    assert.equal(s2.applies.length, 2);
    assert.equal(s2.applies[0].values.canaryDeployment.weight, 0);
    assert.deepEqual(s2.applies[1].helm.slice(0, 3), ['upgrade', '--install', 'productpage']);
    assert.deepEqual(Object.keys(doc.rollback.from), ['2', '3', '4', '5', '6', '7', '8']);
    // values mode: the chart applies as it is, no apply needs helm-canary's post-renderer
    assert.equal(doc.mode, 'values');
    assert.equal(doc.overlay, undefined);
    assert.equal(s2.applies[1].needsPostRenderer, undefined);
  });

  it('writes a script whose stage functions run helm with each values file', async () => {
    const r = await runCli(['plan', ...base, '--chart', join(dir, 'chart'), '--output', 'script']);
    assert.equal(r.exitCode, 0, r.stderr);
    const script = join(dir, 'release.sh');
    writeFileSync(script, r.stdout);
    // A fake helm records its argv and the values file it was given.
    const fakeHelm = join(dir, 'fake-helm.sh');
    writeFileSync(fakeHelm, '#!/usr/bin/env bash\nprintf "%s\\n" "$@" > "$OUT.args"\nwhile [ $# -gt 0 ]; do if [ "$1" = --values ]; then cat "$2" >> "$OUT.values"; fi; shift; done\n', { mode: 0o755 });
    const out = join(dir, 'rec');
    await execa('bash', [script, 'stage_3'], { env: { HELM: fakeHelm, OUT: out } });
    const { readFileSync } = await import('node:fs');
    const args = readFileSync(`${out}.args`, 'utf8').trim().split('\n');
    assert.deepEqual(args.slice(0, 4), ['upgrade', '--install', 'productpage', join(dir, 'chart')]);
    assert.match(readFileSync(`${out}.values`, 'utf8'), /canaryDeployment:\n  image:\n    repository: acr.io\/bookinfo\/productpage\n    tag: "84"\n  replicaCount: 2\n  weight: 90/);
    const bad = await execa('bash', [script, 'rm -rf /'], { reject: false });
    assert.equal(bad.exitCode, 2);
  });

  it('lists every problem of a bad input with exit code 2', async () => {
    const r = await runCli(['plan', '--release', 'Bad_Name', '--chart', join(dir, 'missing'), '--repository', 'acr.io/x', '--replicas', '0', '--stable-tag', '83', '--new-tag', '83', '--steps', '10,120']);
    assert.equal(r.exitCode, 2);
    assert.equal(r.stdout, '');
    const lines = r.stderr.split('\n').map((l) => l.trim());
    assert.ok(lines.includes('error: invalid flags --chart, --new-tag, --release, --replicas, --steps'), r.stderr);
    for (const expected of [
      /^--release: must be a valid Kubernetes name.*\(got "Bad_Name"\)$/,
      /^--replicas: must be at least 1 \(got 0\)$/,
      /^--steps \(plan\.steps\[1\]\): must be a whole number between 1 and 100 \(got 120\)$/,
      /^--new-tag: must differ from the stable tag/,
      /^--chart: .*missing does not exist$/,
    ]) assert.ok(lines.some((l) => expected.test(l)), `${expected} in\n${r.stderr}`);
  });

  it('reads canary.yaml from the working directory, flags winning', async () => {
    writeFileSync(join(dir, 'canary.yaml'), 'release: cart\nnamespace: shop\nchart: ./chart\nimage:\n  repository: acr.io/shop/cart\n  stableTag: "1.0"\nreplicas: 3\nplan: gradual\n');
    const r = await runCli(['plan', '--new-tag', '1.1', '--replicas', '4', '-o', 'json'], { cwd: dir });
    assert.equal(r.exitCode, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.release, 'cart');
    assert.equal(doc.plan, 'gradual');
    assert.equal(doc.stages[1].production.replicas, 4);
    assert.equal(doc.stages[1].canary.replicas, 2); // the gradual plan's 50 % for the first step
  });

  it('rejects a values file that does not parse, without showing its contents', async () => {
    writeFileSync(join(dir, 'secret.yaml'), 'password: "hunter2\n  : [\n');
    const r = await runCli(['plan', ...base, '--chart', join(dir, 'chart'), '--values', join(dir, 'secret.yaml')]);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /--values \(valuesFiles\[0\]\): .*secret\.yaml is not valid YAML/);
    assert.doesNotMatch(r.stderr, /hunter2/);
  });

  it('rejects an unknown option and an unknown plan with exit code 2', async () => {
    assert.equal((await runCli(['plan', '--no-such-flag'])).exitCode, 2);
    const r = await runCli(['plan', ...base, '--chart', join(dir, 'chart'), '--plan', 'nonsense']);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /plan: no plan "nonsense" \(built-in plans: gradual, seven-stage\)/);
  });

  it('never loads the Kubernetes client for plan or --help', async () => {
    const trace = ['--import', join(repoRoot, 'test', 'fixtures', 'cli', 'trace-imports.mjs')];
    const client = chunksContaining('node_modules/@kubernetes/client-node/');
    assert.ok(client.length > 0, 'the bundle has a chunk with the client');
    for (const args of [['--help'], ['plan', ...base, '--chart', join(dir, 'chart')], ['plan', '--help']]) {
      const r = await runCli(args, { nodeArgs: trace });
      assert.equal(r.exitCode, 0, r.stderr);
      const loaded = loadedFiles(r.stderr);
      assert.ok(loaded.includes('helm-canary.mjs'), 'the trace sees the bundle');
      assert.deepEqual(loaded.filter((f) => client.includes(f)), [], args.join(' '));
    }
    // The same trace does see the client when a command talks to a cluster.
    // status takes only the options that name the release and reach the cluster (defect 11).
    const status = await runCli(['status', '--release', 'productpage', '--namespace', 'bookinfo', '--kubeconfig', join(dir, 'none')], { nodeArgs: trace });
    assert.notDeepEqual(loadedFiles(status.stderr).filter((f) => client.includes(f)), [], status.stderr);
  });
});

describe('helm-canary schema', () => {
  it('prints a JSON Schema that names the config fields', async () => {
    const r = await runCli(['schema']);
    assert.equal(r.exitCode, 0, r.stderr);
    const schema = JSON.parse(r.stdout);
    assert.deepEqual([...schema.required].sort(), ['chart', 'image', 'release', 'replicas']);
    assert.ok(schema.properties.plan && schema.properties.valuePaths && schema.properties.helm);
  });

  it('matches the committed schema/canary.schema.json (regenerate: helm-canary schema > schema/canary.schema.json)', async () => {
    const { readFileSync } = await import('node:fs');
    const r = await runCli(['schema']);
    assert.equal(r.stdout, readFileSync(join(repoRoot, 'schema', 'canary.schema.json'), 'utf8').trimEnd());
  });
});
