// chooseSplitKey's choice, one named case per row: a key the Service lacks first, then the most
// specific shared key, the release's own labels last; and the refusals of checkServiceSelectorAfter.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkServiceSelectorAfter, chooseSplitKey } from '../../src/overlay/split-key.js';
import { OverlayError } from '../../src/overlay/overlay-error.js';

const l = (...keys: string[]) => Object.fromEntries(keys.map((k) => [k, 'v']));

describe('chooseSplitKey', () => {
  const table: [string, Record<string, string>, Record<string, string>, string, boolean][] = [
    ['helm create: name and instance shared: name', l('app.kubernetes.io/name', 'app.kubernetes.io/instance'), l('app.kubernetes.io/name', 'app.kubernetes.io/instance'), 'app.kubernetes.io/name', true],
    ['a key the Service lacks wins, even instance', l('app.kubernetes.io/name', 'app.kubernetes.io/instance'), l('app.kubernetes.io/name'), 'app.kubernetes.io/instance', false],
    ['several keys the Service lacks: by preference', l('tier', 'app', 'release'), l('release'), 'app', false],
    ['app before component', l('app.kubernetes.io/component', 'app', 'release'), l('app.kubernetes.io/component', 'app', 'release'), 'app', true],
    ['component before other keys', l('tier', 'app.kubernetes.io/component', 'release'), l('tier', 'app.kubernetes.io/component', 'release'), 'app.kubernetes.io/component', true],
    ['other keys before instance and release, in selector order', l('release', 'team', 'tier'), l('release', 'team', 'tier'), 'team', true],
    ['instance before release as the last resort', l('release', 'app.kubernetes.io/instance'), l('release', 'app.kubernetes.io/instance'), 'app.kubernetes.io/instance', true],
    ['the Service selects by more than S', l('app', 'release'), l('app', 'release', 'tier'), 'app', true],
  ];
  for (const [name, s, q, key, inService] of table) {
    it(name, () => assert.deepEqual(chooseSplitKey(s, q), { key, inServiceSelector: inService }));
  }

  it('is stable on its own output: Q less k gives back k', () => {
    for (const [, s, q] of table) {
      const first = chooseSplitKey(s, q);
      const after = checkServiceSelectorAfter(first, 'svc', 'dep', q, []);
      assert.equal(chooseSplitKey(s, after).key, first.key);
    }
  });
});

describe('checkServiceSelectorAfter', () => {
  it('a Service that keeps its selector is never refused', () => {
    assert.deepEqual(checkServiceSelectorAfter({ key: 'app', inServiceSelector: false }, 'svc', 'dep', l('release'), []), l('release'));
  });

  it('refuses an empty selector after the split', () => {
    assert.throws(() => checkServiceSelectorAfter({ key: 'app', inServiceSelector: true }, 'svc', 'dep', l('app'), []), (e: unknown) => e instanceof OverlayError && /two labels/.test(e.message));
  });

  it('refuses a selector that would newly select another workload, and allows one it already selected', () => {
    const other = { kind: 'Deployment', name: 'worker', podLabels: { release: 'v', app: 'worker' } };
    assert.throws(() => checkServiceSelectorAfter({ key: 'app', inServiceSelector: true }, 'svc', 'dep', { app: 'web', release: 'v' }, [other]), /also select the pods of Deployment "worker"/);
    const already = { kind: 'Deployment', name: 'twin', podLabels: { release: 'v', app: 'web' } };
    assert.deepEqual(checkServiceSelectorAfter({ key: 'app', inServiceSelector: true }, 'svc', 'dep', { app: 'web', release: 'v' }, [already]), { release: 'v' });
  });
});
