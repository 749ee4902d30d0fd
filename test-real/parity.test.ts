// The checks of test/sim/parity-*.test.ts, run against a real control plane: where the simulator
// once differed from a real API server (test-real/README.md, "Differences from the simulator"),
// both now pass the same assertions. Needs `npm run control-plane:build`; run with `npm run test:real`.
import { after, before, describe, it } from 'node:test';
import { missingBinaries, startRealCluster, type RealCluster } from '../test/control-plane/launch.js';
import { PARITY_TERMINATION_DELAY_MS, checkDeleteAnswer, checkIstioValidation, checkPodTermination, checkServerSideApplyTypes, checkWatchReplay } from '../test/sim/parity-checks.js';

const NAMESPACE = 'parity';

const missing = missingBinaries();
describe('parity with the simulator, on a real control plane', { skip: missing.length ? `missing ${missing.join(', ')}: run npm run control-plane:build` : false }, () => {
  let cluster: RealCluster;
  before(async () => {
    cluster = await startRealCluster({ namespaces: [NAMESPACE], podReadyDelayMs: 300, podTerminationDelayMs: PARITY_TERMINATION_DELAY_MS });
  });
  after(() => cluster?.stop());

  it('Istio schemas: creates, patches and updates that break them are a 422 listing every cause', () => checkIstioValidation(cluster.api, NAMESPACE));
  it('Istio schemas: a server-side apply with a wrongly typed field is a 500 "failed to create typed patch object"', () => checkServerSideApplyTypes(cluster.api, NAMESPACE));
  it('pod termination: min(termination delay, grace period), at once for a grace period of 0', () => checkPodTermination(cluster.api, NAMESPACE));
  it('watches: a past resourceVersion replays the changes since, through label selectors too', () => checkWatchReplay(cluster.api, NAMESPACE));
  it('deletes: a ConfigMap or a VirtualService deleted is answered with a Status naming it', () => checkDeleteAnswer(cluster.api, NAMESPACE));
});
