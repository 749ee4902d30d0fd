import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { cliPath } from '../helpers/run-cli.js';
import { givenCluster, stageShape, withoutPodFaults, HELM_MAJORS, REPOSITORY, type Env } from '../helpers/e2e.js';

// Helm's release history, read from its storage Secrets: a command that fails on input must add none.
async function helmRevisions(env: Env): Promise<number> {
  return (await env.list('secret', 'owner=helm')).length;
}
async function recordExists(env: Env): Promise<boolean> {
  return (await env.get('configMap', `helm-canary-${env.release}`)) !== undefined;
}

describe('bad input: one message, the documented exit code, nothing applied', () => {
  let env: Env;
  before(async () => {
    env = await givenCluster(4);
  });
  after(() => env.stop());

  const cases: { name: string; args: string[]; code: number; message: RegExp; setup?: (env: Env) => void; extraEnv?: Record<string, string> }[] = [
    { name: 'start of an unknown release', args: ['start', '--new-tag', '2.0'], code: 2, message: /release productpage not found in namespace shop[\s\S]*helm-canary deploy --tag/ },
    { name: 'promote of a release that does not exist', args: ['promote'], code: 2, message: /release productpage not found in namespace shop/ },
    { name: 'status of an unknown release', args: ['status'], code: 2, message: /release productpage not found/ },
    { name: 'a chart path that does not exist', args: ['deploy', '--tag', '1.0', '--chart', './nope'], code: 2, message: /--chart: .*nope does not exist/ },
    { name: 'a release name that is not a Kubernetes name', args: ['deploy', '--tag', '1.0', '--release', 'Product_Page'], code: 2, message: /--release: must be a valid Kubernetes name/ },
    { name: 'an invalid image tag', args: ['deploy', '--tag', 'v1 beta'], code: 2, message: /--tag: must be a valid image tag.*\(got "v1 beta"\)/ },
    { name: 'a values file that does not parse', args: ['deploy', '--tag', '1.0', '--values', 'broken.yaml'], code: 2, message: /--values \(valuesFiles\[0\]\): .*broken\.yaml is not valid YAML/, setup: (e) => writeFileSync(join(e.dir, 'broken.yaml'), 'a: [1, 2\n') },
    { name: 'a malformed config', args: ['deploy', '--tag', '1.0', '-f', 'bad.yaml'], code: 2, message: /replicas: must be at least 1[\s\S]*plan\.steps\[1\]: must be a whole number between 1 and 100 \(got 120\)/, setup: (e) => writeFileSync(join(e.dir, 'bad.yaml'), `release: productpage\nchart: ${join(e.dir, '..')}\nimage: {repository: ${REPOSITORY}}\nreplicas: 0\nplan: {steps: [10, 120]}\n`) },
    { name: 'a kubeconfig that does not exist', args: ['deploy', '--tag', '1.0', '--kubeconfig', 'missing-kubeconfig'], code: 2, message: /missing-kubeconfig/ },
    { name: 'an unreachable cluster', args: ['deploy', '--tag', '1.0'], code: 3, message: /cannot reach the Kubernetes API server at http:\/\/127\.0\.0\.1:1/, setup: (e) => writeFileSync(join(e.dir, 'closed.kubeconfig'), `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: secret-token-value}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`), extraEnv: { KUBECONFIG: 'closed.kubeconfig' } },
    { name: 'helm missing', args: ['deploy', '--tag', '1.0', '--helm', '/nonexistent/helm'], code: 3, message: /cannot run helm \(\/nonexistent\/helm\)/ },
    { name: 'helm too old', args: ['deploy', '--tag', '1.0', '--helm', './old-helm'], code: 3, message: /helm v3\.7\.2.* is too old: helm-canary needs helm 3\.8\.0 or newer/, setup: (e) => writeFileSync(join(e.dir, 'old-helm'), '#!/bin/sh\necho "v3.7.2+g663a896"\n', { mode: 0o755 }) },
    { name: 'an unknown flag', args: ['deploy', '--tag', '1.0', '--bogus'], code: 2, message: /unknown option '--bogus'/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      c.setup?.(env);
      const before = await helmRevisions(env);
      const r = await env.cli(c.args, c.extraEnv);
      assert.equal(r.exitCode, c.code, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, c.message);
      assert.doesNotMatch(r.stderr, /at .*\.js:\d+|secret-token-value/, 'no stack trace, no credentials');
      assert.equal(await helmRevisions(env), before, 'no helm upgrade ran');
      assert.equal(await recordExists(env), false, 'no record written');
    });
  }

  it('rollback of a release never installed does nothing and says so (exit 0, for pipeline rollback jobs)', async () => {
    const r = await env.cli(['rollback']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`no rollout of productpage was ever started in namespace ${env.namespace}: nothing to roll back`));
    assert.equal(await helmRevisions(env), 0);
    assert.equal(await recordExists(env), false);
  });

  it('rollback with no rollout ever started does nothing and says so (exit 0, for pipeline rollback jobs)', async () => {
    assert.equal((await env.cli(['deploy', '--tag', '1.0'])).exitCode, 0);
    const revisions = await helmRevisions(env);
    const r = await env.cli(['rollback']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`no rollout of productpage was ever started in namespace ${env.namespace}: nothing to roll back`));
    assert.equal(await helmRevisions(env), revisions);
    assert.equal(await recordExists(env), false);
  });

  it('refuses a new tag equal to the stable tag, and --to a stage behind the current one', async () => {
    assert.equal((await env.cli(['deploy', '--tag', '1.0'])).exitCode, 0);
    const same = await env.cli(['start', '--new-tag', '1.0']);
    assert.equal(same.exitCode, 2);
    assert.match(same.stderr, /the new tag 1\.0 is already the stable tag/);
    assert.equal(await recordExists(env), false);
    assert.equal((await env.cli(['start', '--new-tag', '2.0'])).exitCode, 0);
    assert.equal((await env.cli(['promote', '--to', '4'])).exitCode, 0);
    const revisions = await helmRevisions(env);
    const behind = await env.cli(['promote', '--to', '3']);
    assert.equal(behind.exitCode, 2);
    assert.match(behind.stderr, /stage 3 is behind the current stage 4; use rollback/);
    assert.equal(await helmRevisions(env), revisions);
    const started = await env.cli(['start', '--new-tag', '3.0']);
    assert.equal(started.exitCode, 4);
    assert.match(started.stderr, /already in progress: 1\.0 -> 2\.0, stage 4/);
    const deploy = await env.cli(['deploy', '--tag', '3.0']);
    assert.equal(deploy.exitCode, 4);
    assert.match(deploy.stderr, /deploy is refused/);
  });

  it('prints the helm commands and values with --dry-run and changes nothing', async () => {
    const revisions = await helmRevisions(env);
    const r = await env.cli(['promote', '--dry-run']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, /\[dry run\] would apply stage 5 \(production updated\)/);
    // the runner waits for the pods itself (only those the apply changes), so no helm --wait
    assert.match(r.stdout, new RegExp(String.raw`helm upgrade --install productpage .*canary-app --namespace ${env.namespace} --values productpage-stage-5a\.values\.yaml --description 'helm-canary 1\.0 -> 2\.0: stage 5 \(production updated\): production tag 1\.0 -> 2\.0' --timeout 20s`));
    assert.match(r.stderr, /\[dry run\] stage 5 of 7 \(production updated\) would be in place/);
    assert.match(r.stdout, /productionDeployment:\n\s+image:\n\s+repository: acr\.io\/bookinfo\/productpage\n\s+tag: "2\.0"/);
    assert.equal(await helmRevisions(env), revisions);
    assert.equal((await env.observe()).record!.stage, 4);
    assert.equal((await env.observe()).record!.phase, 'in-progress');
  });

  it('--dry-run -o json prints the applies it would run, as data, and changes nothing (rollback too)', async () => {
    const revisions = await helmRevisions(env);
    const recordBefore = JSON.stringify((await env.get('configMap', `helm-canary-${env.release}`))?.data);
    const leaseBefore = JSON.stringify((await env.get('lease', `helm-canary-${env.release}`))?.spec ?? null);
    const p = await env.cli(['promote', '--dry-run', '-o', 'json']);
    assert.equal(p.exitCode, 0, p.stderr);
    const doc = JSON.parse(p.stdout);
    assert.equal(doc.dryRun, true);
    assert.deepEqual(doc.wouldApply.map((a: { title: string }) => a.title), ['stage 5 (production updated): production tag 1.0 -> 2.0']);
    assert.deepEqual(doc.wouldApply[0].helm.slice(0, 3), ['upgrade', '--install', 'productpage']);
    assert.equal(doc.wouldApply[0].values.productionDeployment.image.tag, '2.0');
    const r = await env.cli(['rollback', '--dry-run', '-o', 'json']);
    assert.equal(r.exitCode, 0, r.stderr);
    const back = JSON.parse(r.stdout);
    assert.ok(back.wouldApply.length >= 2, r.stdout);
    assert.equal(back.wouldApply.at(-1).values.canaryDeployment.replicaCount, 0);
    assert.match(r.stderr, /\[dry run\] would roll back/);
    assert.equal(await helmRevisions(env), revisions);
    assert.equal(JSON.stringify((await env.get('configMap', `helm-canary-${env.release}`))?.data), recordBefore);
    assert.equal(JSON.stringify((await env.get('lease', `helm-canary-${env.release}`))?.spec ?? null), leaseBefore);
    assert.equal((await env.cli(['rollback'])).exitCode, 0);
  });
});

for (const helm of HELM_MAJORS) {
  describe(`a helm release left pending by an interrupted helm, helm ${helm}`, () => {
    let env: Env;
    before(async () => {
      // helm's own --wait (a team's extraArgs) keeps the release pending while the pods never get
      // ready: without it helm is pending for the few hundred ms of its apply only, too short to
      // kill it there reliably on a real API server.
      env = await givenCluster(helm, { config: { helm: { timeout: '30s', extraArgs: ['--wait'] } } });
      assert.equal((await env.cli(['deploy', '--tag', '1.0'])).exitCode, 0);
    });
    after(() => env.stop());

    it('is detected with the command that clears it, and rollback clears it by itself', async (t) => {
      if (withoutPodFaults(t, env)) return;
      await env.world.setImageBehaviour(`${REPOSITORY}:slow`, 'never-ready');
      // Kill the tool and its helm (one process group) while helm waits: helm leaves pending-upgrade.
      const child = execa(process.execPath, [cliPath, 'start', '--new-tag', 'slow'], { cwd: env.dir, env: { ...env.env, HELM_CANARY_LOCK_TTL_SECONDS: '2' }, detached: true, reject: false });
      const pending = async () => (await env.list('secret', 'owner=helm,status=pending-upgrade')).length > 0;
      for (let i = 0; i < 400 && !(await pending()); i++) await sleep(25);
      assert.ok(await pending(), 'helm reached pending-upgrade');
      process.kill(-child.pid!, 'SIGKILL');
      await child;

      // the killed run's lease stays live until it expires (2 s here)
      let r = await env.cli(['promote']);
      for (let i = 0; i < 120 && /locked by/.test(r.stderr); i++) {
        await sleep(250);
        r = await env.cli(['promote']);
      }
      assert.equal(r.exitCode, 4, r.stderr);
      assert.match(r.stderr, /stuck in pending-upgrade/);
      assert.match(r.stderr, new RegExp(`clear it with: helm rollback productpage 1 --namespace ${env.namespace}\\b`));
      assert.match(r.stderr, /--recover/);

      // rollback is the command of the bad day: it clears the pending release itself
      const recovered = await env.cli(['rollback']);
      assert.equal(recovered.exitCode, 0, recovered.stderr);
      assert.match(recovered.stderr, /recovering: helm rollback productpage to revision \d/);
      assert.equal(stageShape(await env.observe()), 'P 1.0/2/100 C 1.0/0/0');
      const status = JSON.parse((await env.cli(['status', '-o', 'json'])).stdout);
      assert.equal(status.helm.status, 'deployed');
    });
  });
}
