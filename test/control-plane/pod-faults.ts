// Pod faults on the real control plane, per container image, the way the simulator's
// `Faults.setImageBehaviour` sets them: kwok plays the kubelets from Stage objects it reads from
// the API server (--enable-crds=Stage), so a fault is a few more Stages. Each selects the pods
// running the image (any container) and carries a weight above 0: when several Stages match a
// pod, kwok picks among those with a weight and ignores the weight-0 defaults of
// launch-kwok-stages.yaml (sigs.k8s.io/kwok pkg/utils/lifecycle Lifecycle.Match).
//
// kwok looks for a matching Stage only when a pod changes. A new Stage therefore reaches pods
// created afterwards, but not a pod that is already Running; for those (`existingPods`), and for
// pods still waiting to start, the pods of the image get an annotation touched (a "nudge") so
// kwok looks at them again.
//
// The settings of an image live on its Stages (an annotation), so the functions keep no state
// and two test processes could share a cluster.
import { createHash } from 'node:crypto';
import type { PodBehaviour } from '../../sim/faults.js';
import { waitFor, type ApiClient } from './launch-api.js';
import { terminationDelay } from './launch-kwok.js';

const GROUP_VERSION = 'kwok.x-k8s.io/v1alpha1';
const STAGES = `/apis/${GROUP_VERSION}/stages`;
/** FAULT_LABEL marks every Stage of this module; its value is the image's key. */
const FAULT_LABEL = 'pod-faults.helm-canary.dev/image-key';
const IMAGE_ANNOTATION = 'pod-faults.helm-canary.dev/image';
const SETTINGS_ANNOTATION = 'pod-faults.helm-canary.dev/settings';
const NUDGE_ANNOTATION = 'pod-faults.helm-canary.dev/nudge';
const WEIGHT = 100;
/** Crash-loop back-off: 1 s, doubled per restart up to 20 s (a kubelet: 10 s up to 5 min). */
const CRASH_BACK_OFF_MS = 1000;
const CRASH_MAX_BACK_OFF_MS = 20_000;

/** ImageSettings are what the tests set for one image; absent delays are the cluster's. */
interface ImageSettings {
  behaviour: PodBehaviour;
  existingPods: boolean;
  readyDelayMs?: number;
  terminationDelayMs?: number;
}

const DEFAULT_SETTINGS: ImageSettings = { behaviour: 'ready', existingPods: false };

/**
 * setImageBehaviour makes pods running `image` (repo:tag) behave so once they start: 'never-ready'
 * runs them but never Ready; 'crash-loop' keeps their containers in CrashLoopBackOff with a
 * growing restartCount; 'ready' removes the fault. With `existingPods`, pods of the image that
 * already run change too ('ready' makes faulty ones Ready again), and the call resolves once they
 * have.
 */
export async function setImageBehaviour(api: ApiClient, image: string, behaviour: PodBehaviour, options: { existingPods?: boolean } = {}): Promise<void> {
  const settings = { ...(await readSettings(api, image)), behaviour, existingPods: options.existingPods ?? false };
  await syncStages(api, image, settings);
  if (settings.existingPods) await changeRunningPods(api, image, behaviour);
  else await nudgePods(api, image, (pod) => !isStarted(pod));
}

/** setImageReadyDelay makes pods of `image` take `ms` from scheduled to started, instead of the cluster's ready delay. */
export async function setImageReadyDelay(api: ApiClient, image: string, ms: number): Promise<void> {
  const settings = { ...(await readSettings(api, image)), readyDelayMs: Math.max(0, Math.round(ms)) };
  await syncStages(api, image, settings);
  await nudgePods(api, image, (pod) => !isStarted(pod));
}

/** setImageTerminationDelay makes deleted pods of `image` stay terminating for `ms` (at most their grace period), instead of the cluster's termination delay. */
export async function setImageTerminationDelay(api: ApiClient, image: string, ms: number): Promise<void> {
  const settings = { ...(await readSettings(api, image)), terminationDelayMs: Math.max(0, Math.round(ms)) };
  await syncStages(api, image, settings);
}

/** clearImageFaults removes every Stage this module made; pods keep the state they are in. */
export async function clearImageFaults(api: ApiClient): Promise<void> {
  const res = await api.call('DELETE', `${STAGES}?labelSelector=${encodeURIComponent(FAULT_LABEL)}`);
  if (res.status >= 300) throw new Error(`could not delete the pod-fault Stages: HTTP ${res.status} ${res.text}`);
}

/**
 * podFaultsAvailable says whether this cluster's pods are played by kwok from Stage objects:
 * kwok's Stage API is served and holds Stages for Pods. False on a kind cluster (real kubelets)
 * or a kwok reading its Stages from a file.
 */
export async function podFaultsAvailable(api: ApiClient): Promise<boolean> {
  const discovery = await api.call('GET', `/apis/${GROUP_VERSION}`);
  if (discovery.status !== 200 || !discovery.body?.resources?.some((r: any) => r.name === 'stages')) return false;
  const stages = await api.call('GET', STAGES);
  return stages.status === 200 && (stages.body?.items ?? []).some((s: any) => s.spec?.resourceRef?.kind === 'Pod');
}

/** imageKey names an image in Stage names and label values (an image may hold '/', ':' and '@'). */
function imageKey(image: string): string {
  return createHash('sha256').update(image).digest('hex').slice(0, 12);
}

async function imageStages(api: ApiClient, image: string): Promise<any[]> {
  const res = await api.call('GET', `${STAGES}?labelSelector=${encodeURIComponent(`${FAULT_LABEL}=${imageKey(image)}`)}`);
  if (res.status !== 200) throw new Error(`could not list the pod-fault Stages: HTTP ${res.status} ${res.text}`);
  return res.body.items ?? [];
}

async function readSettings(api: ApiClient, image: string): Promise<ImageSettings> {
  const saved = (await imageStages(api, image))[0]?.metadata?.annotations?.[SETTINGS_ANNOTATION];
  return saved ? { ...DEFAULT_SETTINGS, ...(JSON.parse(saved) as Partial<ImageSettings>) } : { ...DEFAULT_SETTINGS };
}

/** syncStages applies the Stages `settings` need for `image` and deletes its others. */
async function syncStages(api: ApiClient, image: string, settings: ImageSettings): Promise<void> {
  // The cluster's own ready delay (launch.ts sets it on the pod-ready Stage) for a fault without one.
  const podReady = await api.call('GET', `${STAGES}/pod-ready`);
  const clusterReadyDelay = podReady.status === 200 ? podReady.body.spec?.delay : undefined;
  const wanted = faultStages(image, settings, clusterReadyDelay);
  for (const stage of wanted) {
    const res = await api.apply(stage);
    if (res.status >= 300) throw new Error(`could not apply Stage ${stage.metadata.name}: HTTP ${res.status} ${res.text}`);
  }
  const names = new Set(wanted.map((s) => s.metadata.name));
  for (const old of await imageStages(api, image)) {
    if (names.has(old.metadata.name)) continue;
    const res = await api.call('DELETE', `${STAGES}/${old.metadata.name}`);
    if (res.status >= 300 && res.status !== 404) throw new Error(`could not delete Stage ${old.metadata.name}: HTTP ${res.status} ${res.text}`);
  }
}

type Expression = { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] };

/** faultStages are the Stages for one image's settings; none when all are the defaults. */
function faultStages(image: string, settings: ImageSettings, clusterReadyDelay?: Record<string, unknown>): Record<string, any>[] {
  const key = imageKey(image);
  const stage = (role: string, expressions: Expression[], spec: Record<string, unknown>) => ({
    apiVersion: GROUP_VERSION,
    kind: 'Stage',
    metadata: {
      name: `pod-fault-${key}-${role}`,
      labels: { [FAULT_LABEL]: key },
      annotations: { [IMAGE_ANNOTATION]: image, [SETTINGS_ANNOTATION]: JSON.stringify(settings) },
    },
    spec: {
      resourceRef: { apiGroup: 'v1', kind: 'Pod' },
      selector: { matchExpressions: [{ key: '.spec.containers.[].image', operator: 'In', values: [image] }, ...expressions] },
      weight: WEIGHT,
      ...spec,
    },
  });
  const alive: Expression = { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' };
  const readyStatus = '.status.conditions.[] | select( .type == "Ready" ) | .status';
  const waitingReason = '.status.containerStatuses.[].state.waiting.reason';
  const running: Expression = { key: '.status.phase', operator: 'In', values: ['Running'] };
  const stages: Record<string, any>[] = [];
  const { behaviour } = settings;

  // Pending to started, as launch-kwok-stages.yaml's pod-ready, with this image's delay and behaviour.
  if (behaviour !== 'ready' || settings.readyDelayMs !== undefined) {
    const delay = settings.readyDelayMs !== undefined ? { durationMilliseconds: settings.readyDelayMs } : (clusterReadyDelay ?? { durationMilliseconds: 0 });
    stages.push(stage('start', [alive, { key: '.status.phase', operator: 'In', values: ['Pending'] }, { key: readyStatus, operator: 'NotIn', values: ['True'] }], {
      delay,
      next: { statusTemplate: statusTemplate(behaviour, true) },
    }));
  }
  if (behaviour === 'crash-loop') {
    // Each restart writes the pod, so kwok matches this Stage again: a loop with a growing back-off.
    const restarts = '((.status.containerStatuses // [])[0].restartCount // 1)';
    stages.push(stage('crash', [alive, { key: waitingReason, operator: 'In', values: ['CrashLoopBackOff'] }], {
      delay: {
        durationMilliseconds: CRASH_BACK_OFF_MS,
        durationFrom: { expressionFrom: `"\\([${CRASH_BACK_OFF_MS} * pow(2; ${restarts} - 1), ${CRASH_MAX_BACK_OFF_MS}] | min | floor)ms"` },
      },
      next: { statusTemplate: restartTemplate() },
    }));
  }
  if (settings.existingPods && behaviour === 'never-ready') {
    // Running pods that are Ready or crash-looping.
    const readyOrCrashing = `[(.status.conditions // [])[] | select(.type == "Ready") | .status == "True"] + [(.status.containerStatuses // [])[] | .state.waiting.reason == "CrashLoopBackOff"] | any`;
    stages.push(stage('existing', [alive, running, { key: readyOrCrashing, operator: 'In', values: ['true'] }], { next: { statusTemplate: statusTemplate(behaviour, false) } }));
  }
  if (settings.existingPods && behaviour === 'crash-loop') {
    stages.push(stage('existing', [alive, running, { key: waitingReason, operator: 'NotIn', values: ['CrashLoopBackOff'] }], { next: { statusTemplate: statusTemplate(behaviour, false) } }));
  }
  if (settings.existingPods && behaviour === 'ready') {
    stages.push(stage('recover', [alive, running, { key: readyStatus, operator: 'NotIn', values: ['True'] }], { next: { statusTemplate: statusTemplate('ready', false) } }));
  }
  if (settings.terminationDelayMs !== undefined) {
    stages.push(stage('delete', [{ key: '.metadata.deletionTimestamp', operator: 'Exists' }], {
      delay: terminationDelay(settings.terminationDelayMs),
      next: { delete: true },
    }));
  }
  return stages;
}

/**
 * statusTemplate is a kwok status template (Go template, rendered against the pod, applied as a
 * strategic merge patch) for containers in `behaviour`'s state. `start` also sets what a pod gets
 * when it starts: phase Running, start time, host and pod IPs (as launch-kwok-stages.yaml's pod-ready).
 */
function statusTemplate(behaviour: PodBehaviour, start: boolean): string {
  const ready = behaviour === 'ready';
  // A strategic merge patch merges conditions by type: a Ready condition must drop the old reason.
  const reason = ready ? '\n  reason: null\n  message: null' : '\n  reason: ContainersNotReady\n  message: containers with unready status';
  const condition = (type: string, status: boolean, extra = '') => `- lastTransitionTime: {{ $now | Quote }}\n  status: "${status ? 'True' : 'False'}"\n  type: ${type}${extra}`;
  const container =
    behaviour === 'crash-loop'
      ? crashLoopingContainer('1')
      : `  ready: ${ready}
  started: true
  restartCount: 0
  state:
    running:
      startedAt: {{ $now | Quote }}`;
  const lines = [
    '{{ $now := Now }}',
    'conditions:',
    condition('Initialized', true),
    condition('Ready', ready, reason),
    condition('ContainersReady', ready, reason),
    'containerStatuses:',
    '{{ range .spec.containers }}',
    '- image: {{ .image | Quote }}\n  name: {{ .name | Quote }}',
    container,
    '{{ end }}',
  ];
  if (start) {
    lines.push(
      '{{ with NodeIPsWith .spec.nodeName }}',
      'hostIP: {{ index . 0 | Quote }}',
      'hostIPs:',
      '{{ range . }}\n- ip: {{ . | Quote }}\n{{ end }}',
      '{{ end }}',
      '{{ with PodIPsWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}',
      'podIP: {{ index . 0 | Quote }}',
      'podIPs:',
      '{{ range . }}\n- ip: {{ . | Quote }}\n{{ end }}',
      '{{ end }}',
      'phase: Running',
      'startTime: {{ $now | Quote }}',
    );
  }
  return lines.join('\n') + '\n';
}

/** crashLoopingContainer is a container status's fields (after image and name) for a container in back-off after a crash, restarted `restartCount` times (a template expression). */
function crashLoopingContainer(restartCount: string): string {
  return `  ready: false
  started: false
  restartCount: ${restartCount}
  state:
    waiting:
      reason: CrashLoopBackOff
      message: {{ printf "back-off restarting failed container %s" .name | Quote }}
  lastState:
    terminated:
      exitCode: 1
      reason: Error
      startedAt: {{ $now | Quote }}
      finishedAt: {{ $now | Quote }}`;
}

/** restartTemplate is one more restart of every container of a crash-looping pod. */
function restartTemplate(): string {
  return `{{ $now := Now }}
containerStatuses:
{{ range .status.containerStatuses }}
- image: {{ .image | Quote }}
  name: {{ .name | Quote }}
${crashLoopingContainer('{{ add1 .restartCount }}')}
{{ end }}
`;
}

function runsImage(pod: any, image: string): boolean {
  return (pod.spec?.containers ?? []).some((c: any) => c.image === image);
}

function isStarted(pod: any): boolean {
  return pod.status?.phase !== undefined && pod.status.phase !== 'Pending';
}

function isReady(pod: any): boolean {
  return (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

function isCrashLooping(pod: any): boolean {
  return (pod.status?.containerStatuses ?? []).some((c: any) => c.state?.waiting?.reason === 'CrashLoopBackOff');
}

/** podsOfImage lists the pods on a Node that run `image` and are not being deleted. */
async function podsOfImage(api: ApiClient, image: string): Promise<any[]> {
  const res = await api.call('GET', '/api/v1/pods');
  if (res.status !== 200) throw new Error(`could not list pods: HTTP ${res.status} ${res.text}`);
  return (res.body.items ?? []).filter((p: any) => p.spec?.nodeName && !p.metadata.deletionTimestamp && runsImage(p, image));
}

/** nudge touches an annotation of each pod so kwok matches it against the Stages again. */
async function nudge(api: ApiClient, pods: any[]): Promise<void> {
  const patch = JSON.stringify({ metadata: { annotations: { [NUDGE_ANNOTATION]: String(Date.now()) } } });
  await Promise.all(
    pods.map(async (pod) => {
      const res = await api.call('PATCH', `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`, patch, 'application/merge-patch+json');
      if (res.status >= 300 && res.status !== 404) throw new Error(`could not annotate pod ${pod.metadata.namespace}/${pod.metadata.name}: HTTP ${res.status} ${res.text}`);
    }),
  );
}

/** nudgePods nudges the pods of `image` that `which` picks, after giving kwok's watch of the Stages a moment to deliver them. */
async function nudgePods(api: ApiClient, image: string, which: (pod: any) => boolean): Promise<void> {
  const pods = (await podsOfImage(api, image)).filter(which);
  if (pods.length === 0) return;
  await new Promise((r) => setTimeout(r, 200));
  await nudge(api, pods);
}

/** changeRunningPods brings the started pods of `image` to `behaviour`'s state, nudging again each second until they are. */
async function changeRunningPods(api: ApiClient, image: string, behaviour: PodBehaviour): Promise<void> {
  const done = (pod: any) =>
    behaviour === 'ready' ? isReady(pod) : behaviour === 'crash-loop' ? isCrashLooping(pod) : !isReady(pod) && !isCrashLooping(pod);
  await nudgePods(api, image, () => true);
  let lastNudge = Date.now();
  let waiting: any[] = [];
  await waitFor(
    async () => {
      waiting = (await podsOfImage(api, image)).filter((pod) => isStarted(pod) && !done(pod));
      if (waiting.length === 0) return true;
      // kwok may have looked at a pod before its watch delivered the new Stages.
      if (Date.now() - lastNudge > 1000) {
        await nudge(api, waiting);
        lastNudge = Date.now();
      }
      return false;
    },
    30_000,
    () => `kwok did not make the running pods of ${image} ${behaviour}: ${waiting.map((p) => p.metadata.name).join(', ')}`,
    200,
  );
}
