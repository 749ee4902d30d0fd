// Fault injection for the simulated cluster, set per test. The API server consults
// `apiFault` before serving each request; the Deployment controller consults `podBehaviour`
// for every pod it creates. Tests change the rules at any time; changes apply to later requests/pods,
// except `setImageBehaviour(..., { existingPods: true })`, which also changes the pods already
// running the image (a version that starts crash-looping in production).

export interface ApiFault {
  /** Answer with this HTTP status (a metav1.Status body) instead of serving the request. */
  status?: number;
  /** Wait this long before serving (or failing) the request. */
  delayMs?: number;
  /** Destroy the connection without answering, as a server going away would. */
  drop?: boolean;
}

export interface ApiFaultRule extends ApiFault {
  method?: string;
  /** Matched against the request path (without the query string). */
  path: RegExp;
  /** How many requests the rule hits before it expires; unlimited when absent. */
  times?: number;
  /** Called each time the rule matches a request (a test waits for the moment it holds one up). */
  onHit?: (method: string, path: string) => void;
}

export type PodBehaviour = 'ready' | 'never-ready' | 'crash-loop';

/** ExistingPodsListener is told when a behaviour must also apply to the pods already running `image`. */
export type ExistingPodsListener = (image: string, behaviour: PodBehaviour) => void;

export class Faults {
  private apiRules: ApiFaultRule[] = [];
  private imageBehaviour = new Map<string, PodBehaviour>();
  private imageReadyDelay = new Map<string, number>();
  private existingPodsListeners = new Set<ExistingPodsListener>();

  /** failRequests adds a rule; the newest matching rule wins. */
  failRequests(rule: ApiFaultRule): void {
    this.apiRules.unshift({ ...rule });
  }

  /**
   * setImageBehaviour makes every pod whose container image equals `image` (repo:tag) behave so
   * once it starts. With `existingPods`, the pods of `image` already running change at once too:
   * 'crash-loop' and 'never-ready' make ready pods unready (crash-loop restarts them with back-off),
   * 'ready' makes them ready again.
   */
  setImageBehaviour(image: string, behaviour: PodBehaviour, options: { existingPods?: boolean } = {}): void {
    this.imageBehaviour.set(image, behaviour);
    if (options.existingPods) for (const listener of this.existingPodsListeners) listener(image, behaviour);
  }

  /** onExistingPods registers the kubelet's hook for `setImageBehaviour(..., { existingPods: true })`; returns its removal. */
  onExistingPods(listener: ExistingPodsListener): () => void {
    this.existingPodsListeners.add(listener);
    return () => this.existingPodsListeners.delete(listener);
  }

  /** setImageReadyDelay makes pods of `image` (repo:tag) take `ms` to become ready, instead of the cluster's podReadyDelayMs. */
  setImageReadyDelay(image: string, ms: number): void {
    this.imageReadyDelay.set(image, Math.max(0, ms));
  }

  clear(): void {
    this.apiRules = [];
    this.imageBehaviour.clear();
    this.imageReadyDelay.clear();
  }

  apiFault(method: string, path: string): ApiFault | undefined {
    const rule = this.apiRules.find((r) => (!r.method || r.method === method) && r.path.test(path));
    if (!rule) return undefined;
    rule.onHit?.(method, path);
    if (rule.times !== undefined && --rule.times <= 0) {
      this.apiRules = this.apiRules.filter((r) => r !== rule);
    }
    return { status: rule.status, delayMs: rule.delayMs, drop: rule.drop };
  }

  /** podReadyDelay is the start-up time set for the first of `images` that has one, if any. */
  podReadyDelay(images: string[]): number | undefined {
    for (const image of images) {
      const ms = this.imageReadyDelay.get(image);
      if (ms !== undefined) return ms;
    }
    return undefined;
  }

  podBehaviour(images: string[]): PodBehaviour {
    for (const image of images) {
      const b = this.imageBehaviour.get(image);
      if (b) return b;
    }
    return 'ready';
  }
}
