// Helm version parsing and the minimum-version check.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkHelmVersion, parseHelmVersion } from '../../src/helm/index.js';

describe('parseHelmVersion', () => {
  it('reads --short and --template outputs', () => {
    assert.deepEqual(parseHelmVersion('v3.17.2+gcc0bbbd\n'), { major: 3, minor: 17, patch: 2, raw: 'v3.17.2+gcc0bbbd' });
    assert.deepEqual(parseHelmVersion('v4.1.4'), { major: 4, minor: 1, patch: 4, raw: 'v4.1.4' });
    assert.equal(parseHelmVersion('Client: &version.Version{SemVer:"v2.17.0"}'), undefined);
  });
});

describe('checkHelmVersion', () => {
  const v = (raw: string) => parseHelmVersion(raw)!;
  it('accepts 3.8.0 and newer, helm 4 included', () => {
    for (const raw of ['v3.8.0', 'v3.17.2', 'v4.0.0', 'v4.1.4']) assert.deepEqual(checkHelmVersion(v(raw)), { ok: true }, raw);
  });
  it('rejects older helm with a reason naming both versions', () => {
    assert.deepEqual(checkHelmVersion(v('v3.7.2+g663a896')), {
      ok: false,
      reason: 'helm v3.7.2+g663a896 is too old: helm-canary needs helm 3.8.0 or newer (helm 3 or 4)',
    });
    assert.equal(checkHelmVersion(v('v2.17.0')).ok, false);
  });
});
