import { describe, it, before, after } from 'node:test';
import { HELM_MAJORS } from '../helpers/e2e.js';
import { scenario, type Scenario } from '../helpers/given-when-then.js';

// The seven stages as the cluster must hold them (stable 1.0, new 2.0, 2 replicas).
const SEVEN = [
  'P 1.0/2/100 C 1.0/0/0',
  'P 1.0/2/90 C 2.0/2/10',
  'P 1.0/2/10 C 2.0/2/90',
  'P 1.0/2/0 C 2.0/2/100',
  'P 2.0/2/0 C 2.0/2/100',
  'P 2.0/2/100 C 2.0/2/0',
  'P 2.0/2/100 C 2.0/0/0',
];

for (const helm of HELM_MAJORS) {
  describe(`a full rollout with helm ${helm}`, () => {
    let s: Scenario;
    before(async () => {
      s = await scenario(helm);
    });
    after(() => s.stop());

    it('deploys the stable stage, then promotes stage by stage to the new stable', async () => {
      await s.thenExpect(await s.when('deploy --tag 1.0'), { exit: 0, cluster: SEVEN[0] });
      await s.thenExpect(await s.when('start --new-tag 2.0'), { exit: 0, cluster: SEVEN[1], record: { stage: 2, phase: 'in-progress', stableTag: '1.0', newTag: '2.0' } });
      for (let stage = 3; stage <= 7; stage++) {
        await s.thenExpect(await s.when('promote --output json'), {
          exit: 0,
          cluster: SEVEN[stage - 1],
          allReady: true,
          // the stable tag survives stages 5-7, where production already runs the new tag
          json: { 'stage.number': stage, stableTag: '1.0' },
          ...(stage === 7 && { record: { phase: 'completed' } }),
        }, `stage ${stage}`);
      }
      await s.thenExpect(await s.when('promote'), { exit: 4, stderr: [/no rollout of productpage is in progress.*completed/] });
    });
  });

  describe(`rollback from every stage with helm ${helm}`, () => {
    let s: Scenario;
    before(async () => {
      s = await scenario(helm);
      await s.given.deployed('1.0');
    });
    after(() => s.stop());

    for (let from = 2; from <= 7; from++) {
      it(`from stage ${from}`, async () => {
        await s.given.rolloutAt(from, `2.${from}`);
        await s.thenExpect(await s.when('rollback --output json'), {
          exit: 0, cluster: 'P 1.0/2/100 C 1.0/0/0', allReady: true, record: { phase: 'rolled-back' }, json: { 'stage.number': 1 },
        });
      });
    }
  });
}
