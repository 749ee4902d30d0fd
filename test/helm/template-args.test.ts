// The upgrade-to-template argv rewrite used for dry runs and the chart tests.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toTemplateArgs } from '../../src/helm/index.js';

describe('toTemplateArgs', () => {
  it('swaps upgrade --install for template and drops the flags that only apply to a cluster', () => {
    assert.deepEqual(
      toTemplateArgs(['upgrade', '--install', 'shop', './chart', '--namespace', 'ns', '--values', 'a.yaml', '--wait', '--timeout', '5m', '--atomic', '--wait=watcher', '--timeout=1m', '--set', 'x=1']),
      ['template', 'shop', './chart', '--namespace', 'ns', '--values', 'a.yaml', '--set', 'x=1'],
    );
  });
  it('refuses anything but an upgrade argv', () => {
    assert.throws(() => toTemplateArgs(['uninstall', 'shop']), TypeError);
  });
});
