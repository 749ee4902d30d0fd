// The split key k: the one label of the Deployment's selector S that the canary's pods lack. The
// production Deployment, an HPA on it and a PDB on S then never count the canary's pods, while the
// Service, whose selector drops k, selects both tracks. Worked examples in test/overlay/split-key.test.ts.
import { OverlayError } from './overlay-error.js';
import { labelsMatch, without, type Labels } from './kube-objects.js';

/** PREFERRED_KEYS name a workload's kind; dropping one from the Service keeps the release's own pods only. */
const PREFERRED_KEYS = ['app.kubernetes.io/name', 'app', 'app.kubernetes.io/component'];
/** LAST_RESORT_KEYS name the release; the Service without one may select another release's pods. */
const LAST_RESORT_KEYS = ['app.kubernetes.io/instance', 'release'];

/** SplitKey is the chosen key and whether the Service's selector has it (and so loses it). */
export interface SplitKey {
  key: string;
  inServiceSelector: boolean;
}

/**
 * chooseSplitKey picks k from S (`deploymentSelector`) given Q (`serviceSelector`): a key Q lacks
 * first (Q then stays as it is), else the most specific shared key. The choice is stable under the
 * overlay's own output (Q without k), which lacks exactly k: that is what makes the overlay idempotent.
 */
export function chooseSplitKey(deploymentSelector: Labels, serviceSelector: Labels): SplitKey {
  const keys = Object.keys(deploymentSelector);
  const notInService = keys.filter((k) => !Object.hasOwn(serviceSelector, k));
  if (notInService.length > 0) return { key: byPreference(notInService), inServiceSelector: false };
  return { key: byPreference(keys), inServiceSelector: true };
}

function byPreference(keys: string[]): string {
  const rank = (key: string) => {
    const preferred = PREFERRED_KEYS.indexOf(key);
    if (preferred >= 0) return preferred;
    return LAST_RESORT_KEYS.includes(key) ? PREFERRED_KEYS.length + 1 + LAST_RESORT_KEYS.indexOf(key) : PREFERRED_KEYS.length;
  };
  // A stable sort keeps the selector's own order among keys of equal rank.
  return [...keys].sort((a, b) => rank(a) - rank(b))[0] as string;
}

/** OtherWorkload is a non-hook object that makes pods, other than the target Deployment. */
export interface OtherWorkload {
  kind: string;
  name: string;
  podLabels: Labels;
}

/**
 * checkServiceSelectorAfter refuses a split key whose removal leaves the Service selecting nothing
 * specific (an empty selector) or pods of another workload of the chart that it did not select.
 */
export function checkServiceSelectorAfter(split: SplitKey, serviceName: string, deploymentName: string, serviceSelector: Labels, others: OtherWorkload[]): Labels {
  if (!split.inServiceSelector) return serviceSelector;
  const after = without(serviceSelector, split.key);
  if (Object.keys(after).length === 0) {
    throw new OverlayError(
      `Service "${serviceName}" and Deployment "${deploymentName}" both select by the one label ${split.key}; overlay mode needs the Deployment's selector to have two labels.`,
      [
        'The canary\'s pods must lack one label of the Deployment\'s selector (so production, an HPA and a PDB never count them) while the Service still selects them by the others; with one label there is nothing left for the Service to select by.',
        'Add a second label to the Deployment\'s selector and pod template and to the Service\'s selector (helm create charts use app.kubernetes.io/name and app.kubernetes.io/instance). A Deployment\'s selector is immutable: the Deployment must be deleted once, with a short outage unless a second Deployment serves meanwhile.',
      ],
    );
  }
  const captured = others.filter((w) => labelsMatch(after, w.podLabels) && !labelsMatch(serviceSelector, w.podLabels));
  if (captured.length > 0) {
    const names = captured.map((w) => `${w.kind} "${w.name}"`).join(', ');
    throw new OverlayError(
      `Removing ${split.key} from Service "${serviceName}"'s selector would make it also select the pods of ${names}, which would then get the Service's traffic.`,
      [
        `Give the Deployment's selector a label that ${names} lacks and the Service does not select by, so that the overlay can split on it without touching the Service.`,
        'Or give the other workload\'s pods a label value that differs from the Service\'s selector.',
      ],
    );
  }
  return after;
}
