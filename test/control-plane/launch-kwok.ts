// kwok, playing the kubelets: the Stages of launch-kwok-stages.yaml with the launcher's delays,
// its flags, and the fake Nodes it manages. kwok runs with --enable-crds=Stage: it reads its
// Stages from the API server (and refuses any in a config file), so the launcher applies them as
// objects before kwok starts, and tests may add more while it runs (pod-faults.ts).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

/** KWOK_NODE_LABEL marks the Nodes kwok plays (`--manage-nodes-with-label-selector`). */
export const KWOK_NODE_LABEL = { key: 'type', value: 'kwok' } as const;

/** KwokDelays are the pod lifecycle's timings. */
export interface KwokDelays {
  /** From scheduled to Running and Ready; the pod annotation `pod-ready.stage.kwok.x-k8s.io/delay` (e.g. "3s") overrides it. */
  podReadyDelayMs: number;
  /** From deletion to removal; the grace period when that is shorter (a kubelet kills the containers then). */
  podTerminationDelayMs: number;
}

const STAGES_FILE = fileURLToPath(new URL('./launch-kwok-stages.yaml', import.meta.url));

/** kwokStages are the Stage objects with `delays` applied. */
export function kwokStages(delays: KwokDelays): Record<string, any>[] {
  const stages = YAML.parseAllDocuments(readFileSync(STAGES_FILE, 'utf8')).map((d) => d.toJS()).filter(Boolean) as Record<string, any>[];
  for (const stage of stages) {
    if (stage.metadata.name === 'pod-ready') {
      stage.spec.delay = { durationMilliseconds: delays.podReadyDelayMs, durationFrom: { expressionFrom: '.metadata.annotations["pod-ready.stage.kwok.x-k8s.io/delay"]' } };
    }
    if (stage.metadata.name === 'pod-delete') stage.spec.delay = terminationDelay(delays.podTerminationDelayMs);
  }
  return stages;
}

/**
 * terminationDelay is min(termination delay, grace period), as a kwok delay: a jq expression
 * (kwok's durationFrom) answering either the deletionTimestamp (deletion time + grace period, an
 * RFC 3339 time kwok waits for) or a Go duration. The grace period is the one of the deletion
 * (metadata.deletionGracePeriodSeconds), else the pod's, else Kubernetes' default of 30 s.
 */
export function terminationDelay(delayMs: number): Record<string, unknown> {
  const grace = '((.metadata.deletionGracePeriodSeconds // .spec.terminationGracePeriodSeconds // 30) * 1000)';
  return { durationMilliseconds: delayMs, durationFrom: { expressionFrom: `if ${grace} < ${delayMs} then .metadata.deletionTimestamp else "${delayMs}ms" end` } };
}

/** kwokArgs are kwok's flags; it has no config file (its Stages are API objects). */
export function kwokArgs(kubeconfig: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    // kwok reads ~/.kwok/kwok.yaml when given no --config: launch.ts gives it a HOME of its own,
    // so a developer's own Stages cannot leak in (with --enable-crds=Stage they would stop it:
    // "Stage already exists in --config, so please remove it, or remove Stage from --enable-crd").
    // Stages come from the API server only, watched by an informer: the launcher has the CRD of
    // kwok-crds.yaml Established and the default Stages applied before kwok starts, so its first
    // list holds them instead of an error to retry after a back-off.
    '--enable-crds=Stage',
    `--manage-nodes-with-label-selector=${KWOK_NODE_LABEL.key}=${KWOK_NODE_LABEL.value}`,
    // A Lease per node renewed by kwok, as the kubelet does: without it the node-lifecycle
    // controller marks the nodes NotReady after 40 s (node-monitor-grace-period) and evicts pods.
    '--node-lease-duration-seconds=40',
    '--cidr=10.244.0.0/16',
  ];
}

/** fakeNode is a Node kwok will play: schedulable, untainted, so any chart's pods land on it. */
export function fakeNode(name: string): Record<string, any> {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { [KWOK_NODE_LABEL.key]: KWOK_NODE_LABEL.value, 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' },
      annotations: { 'kwok.x-k8s.io/node': 'fake' },
    },
  };
}
