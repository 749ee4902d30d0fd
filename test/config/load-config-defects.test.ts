// loadConfig's answers to the configuration defects of issue 10 (7 and 6): file + flags -> spec or
// problems by path.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { loadConfig, loadReleaseTarget } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/config/config-error.js';
import { CliError } from '../../src/cli/errors.js';
import { toCliError } from '../../src/cli/to-cli-error.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'hc-config-'));
  mkdirSync(join(dir, 'chart'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function withConfig(config: Record<string, unknown>): string {
  const file = join(dir, `canary-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, stringify({ release: 'productpage', namespace: 'bookinfo', chart: './chart', image: { repository: 'acr.io/app' }, replicas: 2, ...config }));
  return file;
}

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${(err as Error).stack}`);
    const shown = toCliError(err) as CliError;
    assert.equal(shown.exitCode, 2);
    return shown.details;
  }
  assert.fail('expected the config to be rejected');
}

describe('config: valuePaths (issue 10, defect 7)', () => {
  it('rejects a value path inside another, by path, as a config error', () => {
    const file = withConfig({ valuePaths: { production: { repository: 'productionDeployment.image', tag: 'productionDeployment.image.tag' } } });
    assert.deepEqual(problemsOf(() => loadConfig({ file }, dir)), [
      'valuePaths.production.tag: "productionDeployment.image.tag" is inside valuePaths.production.repository ("productionDeployment.image"); one value cannot be both a value and a map',
    ]);
  });

  it('rejects two values at one path, across roles too', () => {
    const file = withConfig({ valuePaths: { canary: { weight: 'productionDeployment.weight' } } });
    assert.deepEqual(problemsOf(() => loadConfig({ file }, dir)), [
      'valuePaths.canary.weight: is the same path as valuePaths.production.weight ("productionDeployment.weight"); each value needs its own',
    ]);
  });

  it('accepts distinct paths that share a prefix word', () => {
    const file = withConfig({ valuePaths: { production: { repository: 'prod.image', tag: 'prod.imageTag' } } });
    assert.equal(loadConfig({ file }, dir).spec.valuePaths.production.tag, 'prod.imageTag');
  });
});

describe('config: image.stableTag is only for plan (issue 10, defect 6)', () => {
  it("accepts the README's example: stableTag 83, then deploy --tag 83", () => {
    const file = withConfig({ image: { repository: 'acr.io/app', stableTag: '83' } });
    const config = loadConfig({ file, tag: '83' }, dir, 'rollout');
    assert.equal(config.newTag, '83');
  });

  it('accepts start --new-tag equal to the config stableTag (start reads the stable tag from the release)', () => {
    const file = withConfig({ image: { repository: 'acr.io/app', stableTag: '83' } });
    assert.equal(loadConfig({ file, newTag: '83' }, dir, 'rollout').newTag, '83');
  });

  it('still rejects equal tags for a plan, under --new-tag', () => {
    const file = withConfig({ image: { repository: 'acr.io/app', stableTag: '83' } });
    assert.deepEqual(problemsOf(() => loadConfig({ file, newTag: '83' }, dir)), ['--new-tag: must differ from the stable tag (both are "83")']);
  });
});

describe('config: status of one release needs only the release and namespace (issue 10, defect 12)', () => {
  it('reads --release and -n with no config file', () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    const target = loadReleaseTarget({ release: 'reviews', namespace: 'bookinfo' }, empty);
    assert.equal(target.release, 'reviews');
    assert.equal(target.namedNamespace, 'bookinfo');
    assert.equal(target.valuePaths.production.tag, 'productionDeployment.image.tag');
    assert.equal(target.helm.timeout, '5m');
  });

  it('reads a config that names no chart, image or replicas', () => {
    const file = join(dir, 'status-only.yaml');
    writeFileSync(file, stringify({ release: 'reviews', helm: { kubeContext: 'prod' } }));
    const target = loadReleaseTarget({ file }, dir);
    assert.equal(target.namedNamespace, undefined);
    assert.equal(target.helm.kubeContext, 'prod');
  });

  it('still checks what it reads, by path', () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    assert.deepEqual(problemsOf(() => loadReleaseTarget({ release: 'Bad_Name', namespace: 'bookinfo' }, empty)).map((p) => p.split(':')[0]), ['release']);
    const file = withConfig({ valuePaths: { canary: { tag: 'canaryDeployment.image' } } });
    assert.match(problemsOf(() => loadReleaseTarget({ file }, dir)).join('\n'), /valuePaths\.canary\.repository: "canaryDeployment\.image\.repository" is inside valuePaths\.canary\.tag/);
  });
});
