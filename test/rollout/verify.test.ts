import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { verifyLive } from '../../src/rollout/verify.js';
import type { DeploymentState, LiveState, ReleaseObjects } from '../../src/rollout/ports.js';
import type { StageValues } from '../../src/engine/index.js';

const objects: ReleaseObjects = { production: 'web-production', canary: 'web-canary', virtualService: 'web', destinationRule: 'web', subsets: { production: 'production', canary: 'canary' } };
const expected: StageValues = {
  production: { repository: 'r/web', tag: '1', replicas: 2, weight: 90 },
  canary: { repository: 'r/web', tag: '2', replicas: 2, weight: 10 },
};
const dep = (name: string, tag: string, patch: Partial<DeploymentState> = {}): DeploymentState => ({
  name, image: `r/web:${tag}`, repository: 'r/web', tag, desired: 2, ready: 2, updated: 2, available: 2, settled: true, ...patch,
});
const good = (): LiveState => ({
  production: dep('web-production', '1'),
  canary: dep('web-canary', '2'),
  traffic: { virtualService: 'web', weights: { production: 90, canary: 10 }, destinationRule: 'web', subsets: ['production', 'canary'] },
});

describe('verifyLive', () => {
  const table: [string, (l: LiveState) => void, string[]][] = [
    ['a stage in place', () => {}, []],
    ['a canary on the wrong image', (l) => { l.canary = dep('web-canary', '1'); }, ['canary Deployment web-canary runs r/web:1, expected r/web:2']],
    ['pods not ready', (l) => { l.canary!.ready = 1; }, ['canary Deployment web-canary has 1/2 ready replicas at r/web:2']],
    ['a rollout still in progress', (l) => { l.production!.settled = false; }, ['production Deployment web-production is still rolling out']],
    ['wrong replica count', (l) => { l.production!.desired = 3; }, ['production Deployment web-production wants 3 replicas, expected 2']],
    ['hand-edited weights', (l) => { l.traffic!.weights = { production: 80, canary: 20 }; }, [
      'VirtualService web routes 80 % to production, expected 90 %',
      'VirtualService web routes 20 % to canary, expected 10 %',
    ]],
    ['a DestinationRule without the canary subset', (l) => { l.traffic!.subsets = ['production']; }, ['DestinationRule web has no subset canary']],
    ['a missing Deployment and VirtualService', (l) => { delete l.canary; delete l.traffic; }, ['canary Deployment web-canary not found', 'VirtualService web not found']],
  ];
  for (const [name, change, problems] of table) {
    it(name, () => {
      const live = good();
      change(live);
      assert.deepEqual(verifyLive(live, expected, objects), problems);
    });
  }
});
