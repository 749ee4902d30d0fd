// Traffic safety in overlay mode (issue 13), helm 3 (which runs the post-renderer as an
// executable and, unlike helm 4, does not hand it the hooks): helm create's chart as it is, a
// complete rollout and a rollback from every stage under load lose no request; the autoscaled and
// the hooked chart, a complete rollout. The same scenarios as overlay-traffic.test.ts (helm 4,
// every one for all three charts), see overlay-traffic-cases.ts.
import { describe } from 'node:test';
import { rollbacks, rollout } from './overlay-traffic-cases.js';

describe('overlay mode, helm 3: traffic safety with the charts nobody here wrote', { concurrency: true }, () => {
  rollout('scaffold', 3);
  rollbacks('scaffold', 3, [2, 3, 4, 5]);
  rollbacks('scaffold', 3, [6, 7]);
  rollout('autoscaled', 3);
  rollout('hooked', 3);
});
