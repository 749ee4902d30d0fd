// `helm-canary start --new-tag N` run in-process over the fakes: exact stdout, stderr and exit code.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CliHarness, lines } from './harness.js';

// The generated values of a stage's apply, as the dry run prints them (indented under the file).
function valuesYaml(production: { tag: string; weight: number }, canary: { tag: string; replicas: number; weight: number }): string[] {
  return [
    '    productionDeployment:',
    '      image:',
    '        repository: registry.example/web',
    `        tag: ${production.tag}`,
    '      replicaCount: 2',
    `      weight: ${production.weight}`,
    '    canaryDeployment:',
    '      image:',
    '        repository: registry.example/web',
    `        tag: ${canary.tag}`,
    `      replicaCount: ${canary.replicas}`,
    `      weight: ${canary.weight}`,
  ];
}

const STEP_1 = 'stage 2 (canary 10 %) step 1/2: canary tag v1 -> v2, replicas 0 -> 2';
const STEP_2 = 'stage 2 (canary 10 %) step 2/2: traffic 100/0 -> 90/10';

describe('helm-canary start', () => {
  it('records the rollout and reaches stage 2, then prints the status, exit 0', async () => {
    const h = await new CliHarness().given(['deploy', '--tag', 'v1']);
    const r = await h.run(['start', '--new-tag', 'v2']);
    assert.equal(
      r.stderr,
      lines(
        'rollout of web recorded: v1 -> v2 (plan seven-stage)',
        `... ${STEP_1}`,
        // v2's pods are ready 5 s after they are created; moving traffic waits for nothing.
        `done ${STEP_1} (5.0s)`,
        `... ${STEP_2}`,
        `done ${STEP_2} (0.0s)`,
        'stage 2 of 7 (canary 10 %) is in place',
      ),
    );
    assert.equal(
      r.stdout,
      lines(
        'Release web in namespace shop',
        '  stage      2 of 7: canary 10 % (in-progress; at stage 2)',
        '  tags       stable v1 -> new v2',
        '  production web-production  registry.example/web:v1  ready 2/2  weight 90 %',
        '  canary     web-canary  registry.example/web:v2  ready 2/2  weight 10 %',
        '  started    2026-01-01T00:00:02.000Z by model@ci (plan seven-stage)',
        '  last move  2026-01-01T00:00:07.000Z',
        '  helm       revision 3, deployed',
        '  next       promote to stage 3 (canary 90 %) | rollback',
      ),
    );
    assert.equal(r.exitCode, 0);
  });

  it('--dry-run -o json prints the applies it would run as JSON, says "would" on stderr, and changes nothing', async () => {
    const h = await new CliHarness().given(['deploy', '--tag', 'v1']);
    const r = await h.run(['start', '--new-tag', 'v2', '--dry-run', '-o', 'json']);
    const helmArgv = (file: string, title: string) => ['upgrade', '--install', 'web', 'charts/canary-app', '--namespace', 'shop', '--values', file, '--description', `helm-canary v1 -> v2: ${title}`, '--timeout', '30s'];
    const values = (production: number, canary: number) => ({
      productionDeployment: { image: { repository: 'registry.example/web', tag: 'v1' }, replicaCount: 2, weight: production },
      canaryDeployment: { image: { repository: 'registry.example/web', tag: 'v2' }, replicaCount: 2, weight: canary },
    });
    assert.equal(
      r.stdout,
      `${JSON.stringify(
        {
          dryRun: true,
          release: 'web',
          namespace: 'shop',
          wouldApply: [
            { title: STEP_1, description: `helm-canary v1 -> v2: ${STEP_1}`, helm: helmArgv('web-stage-2a.values.yaml', STEP_1), valuesFile: 'web-stage-2a.values.yaml', values: values(100, 0) },
            { title: STEP_2, description: `helm-canary v1 -> v2: ${STEP_2}`, helm: helmArgv('web-stage-2b.values.yaml', STEP_2), valuesFile: 'web-stage-2b.values.yaml', values: values(90, 10) },
          ],
        },
        null,
        2,
      )}\n`,
    );
    assert.equal(
      r.stderr,
      lines(
        '[dry run] would record a rollout of web: v1 -> v2 (plan seven-stage)',
        `[dry run] would apply ${STEP_1}`,
        `[dry run] would apply ${STEP_2}`,
        '[dry run] stage 2 of 7 (canary 10 %) would be in place',
      ),
    );
    assert.equal(r.exitCode, 0);
    assert.equal(h.world.records.current(), undefined, 'no rollout was recorded');
    assert.equal(h.world.helm.history.length, 1, 'helm still has the deploy only');
  });

  it('--dry-run prints on stdout each helm upgrade it would run, quoted to be copied, with its values file', async () => {
    const h = await new CliHarness().given(['deploy', '--tag', 'v1']);
    const r = await h.run(['start', '--new-tag', 'v2', '--dry-run']);
    assert.equal(
      r.stdout,
      lines(
        '[dry run] would apply 2 helm upgrades, nothing was changed:',
        `1. ${STEP_1}`,
        `   helm upgrade --install web charts/canary-app --namespace shop --values web-stage-2a.values.yaml --description 'helm-canary v1 -> v2: ${STEP_1}' --timeout 30s`,
        '   web-stage-2a.values.yaml:',
        ...valuesYaml({ tag: 'v1', weight: 100 }, { tag: 'v2', replicas: 2, weight: 0 }).map((l) => ` ${l}`),
        `2. ${STEP_2}`,
        `   helm upgrade --install web charts/canary-app --namespace shop --values web-stage-2b.values.yaml --description 'helm-canary v1 -> v2: ${STEP_2}' --timeout 30s`,
        '   web-stage-2b.values.yaml:',
        ...valuesYaml({ tag: 'v1', weight: 90 }, { tag: 'v2', replicas: 2, weight: 10 }).map((l) => ` ${l}`),
      ),
    );
    assert.equal(r.exitCode, 0);
    assert.equal(h.world.records.current(), undefined, 'no rollout was recorded');
    assert.equal(h.world.helm.history.length, 1, 'helm still has the deploy only');
  });

  it('is refused when the release is not at stable (a rollout in progress): exit 4', async () => {
    const h = await new CliHarness().given(['deploy', '--tag', 'v1'], ['start', '--new-tag', 'v2']);
    const r = await h.run(['start', '--new-tag', 'v3']);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      lines(
        'error: a rollout of web is already in progress: v1 -> v2, stage 2 (in-progress)',
        '  continue it with: helm-canary promote, or undo it with: helm-canary rollback',
      ),
    );
    assert.equal(r.exitCode, 4);
  });
});
