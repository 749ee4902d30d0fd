// The load tier (`npm run test:load`): overlay mode's traffic safety for every chart nobody here
// wrote and both helms. The default suite runs helm create's chart as it is with helm 4 and 3
// (test/safety/overlay-traffic.test.ts); this adds the autoscaled chart (HPA and PDB) and the
// hooked chart (mounted ConfigMap, pre-upgrade hook Job): a complete rollout and a rollback from
// every stage under load lose no request, each traffic stage splits as its weight says, no request
// is answered by a pod of neither track, and the chart's own HPA, PDB, ConfigMap and hook keep
// working (test/safety/overlay-checks.ts). Helm 3 runs the post-renderer as an executable and,
// unlike helm 4, does not hand it the hooks.
import { describe } from 'node:test';
import { rollbacks, rollout } from '../test/safety/overlay-traffic-cases.js';

// Each scenario on its own cluster, side by side: most of their time is spent waiting for pods,
// drains and propagation. Two clusters share a chart's six rollbacks, so the longest (from 5, 6,
// 7) do not queue behind each other.
describe('overlay mode: traffic safety with the autoscaled and the hooked chart', { concurrency: true }, () => {
  for (const kind of ['autoscaled', 'hooked'] as const) {
    for (const helm of [4, 3] as const) {
      rollout(kind, helm);
      rollbacks(kind, helm, [2, 3, 4, 5]);
      rollbacks(kind, helm, [6, 7]);
    }
  }
});
