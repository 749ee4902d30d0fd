// The simulated resource metrics (what metrics-server would report): a pod's CPU use, as a
// percentage of its CPU request, set per image by the test. The HorizontalPodAutoscaler
// controller averages it over the pods its target's selector matches, so a test can load one
// track and watch what the HPA does. An image nobody set has no metrics (as when metrics-server
// has not scraped a pod yet, or is not installed): the HPA then only keeps replicas within bounds.

/** PodMetrics holds the CPU utilization every image's pods report; share one with startCluster. */
export class PodMetrics {
  private readonly cpu = new Map<string, number>();
  private readonly listeners = new Set<() => void>();

  /** setCpuUtilization makes every pod running `image` (full reference, `repo:tag`) report `percent` of its CPU request; undefined removes it. */
  setCpuUtilization(image: string, percent: number | undefined): void {
    if (percent === undefined) this.cpu.delete(image);
    else {
      if (!(Number.isFinite(percent) && percent >= 0)) throw new Error(`cpu utilization ${percent}: want a percentage >= 0`);
      this.cpu.set(image, percent);
    }
    for (const listener of [...this.listeners]) listener();
  }

  /**
   * cpuUtilization is a pod's CPU utilization (percent of request) from its containers' images:
   * the mean over the containers whose image has a value, undefined when none has.
   */
  cpuUtilization(images: string[]): number | undefined {
    const known = images.map((i) => this.cpu.get(i)).filter((v): v is number => v !== undefined);
    return known.length === 0 ? undefined : known.reduce((a, b) => a + b, 0) / known.length;
  }

  /** onChange calls `listener` after every change; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
