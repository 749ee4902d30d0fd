// API-server defaulting of the fields helm's waiters and the tool read. A real API server fills
// these on every create and update; helm 3's waiter needs Service.spec.clusterIP, helm 4's
// kstatus needs Deployment.spec.progressDeadlineSeconds to judge the Progressing condition, and
// the Job controller needs a Job's generated selector.
import type { KubeObject } from './types.js';

type Json = Record<string, unknown>;

/** ClusterIpAllocator hands out Service addresses from 10.96.0.0/16, never twice. */
export class ClusterIpAllocator {
  private next = 10;

  allocate(): string {
    const n = this.next++;
    return `10.96.${Math.floor(n / 250) % 256}.${(n % 250) + 1}`;
  }
}

function specOf(obj: KubeObject): Json {
  if (typeof obj.spec !== 'object' || obj.spec === null) obj.spec = {};
  return obj.spec as Json;
}

/**
 * applyDefaults fills absent defaulted fields in place. `previous` is the stored object on
 * update: a Service keeps the clusterIP it was given (real clusters refuse to change it).
 */
export function applyDefaults(obj: KubeObject, ips: ClusterIpAllocator, previous?: KubeObject): void {
  if (obj.kind === 'Service') defaultService(obj, ips, previous);
  if (obj.kind === 'Deployment') defaultDeployment(obj);
  if (obj.kind === 'ReplicaSet') {
    const spec = specOf(obj);
    if (spec.replicas === undefined) spec.replicas = 1;
  }
  if (obj.kind === 'Secret' && obj.type === undefined) obj.type = 'Opaque';
  if (obj.kind === 'Job' && !previous) defaultJob(obj);
}

// A Job gets its selector from the API server on create: its own uid, also added to the pod
// template's labels (manualSelector is not modelled), plus the counts the Job controller reads.
function defaultJob(obj: KubeObject): void {
  const spec = specOf(obj);
  if (spec.parallelism === undefined) spec.parallelism = 1;
  if (spec.completions === undefined) spec.completions = 1;
  if (spec.backoffLimit === undefined) spec.backoffLimit = 6;
  if (spec.completionMode === undefined) spec.completionMode = 'NonIndexed';
  if (spec.suspend === undefined) spec.suspend = false;
  if (spec.podReplacementPolicy === undefined) spec.podReplacementPolicy = 'TerminatingOrFailed';
  if (spec.manualSelector === undefined) spec.manualSelector = false;
  const uid = obj.metadata.uid ?? '';
  const generated = {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': obj.metadata.name,
    'controller-uid': uid,
    'job-name': obj.metadata.name,
  };
  if (spec.selector === undefined) spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  const template = (spec.template ?? {}) as Json;
  const meta = (template.metadata ?? {}) as Json;
  meta.labels = { ...((meta.labels ?? {}) as Record<string, string>), ...generated };
  template.metadata = meta;
  spec.template = template;
}

function defaultService(obj: KubeObject, ips: ClusterIpAllocator, previous?: KubeObject): void {
  const spec = specOf(obj);
  if (spec.type === undefined) spec.type = 'ClusterIP';
  if (spec.clusterIP === undefined || spec.clusterIP === '') {
    const prevIp = (previous?.spec as Json | undefined)?.clusterIP;
    spec.clusterIP = typeof prevIp === 'string' && prevIp !== '' ? prevIp : ips.allocate();
  }
  if (spec.clusterIP !== 'None' && spec.clusterIPs === undefined) spec.clusterIPs = [spec.clusterIP];
  if (spec.sessionAffinity === undefined) spec.sessionAffinity = 'None';
  if (Array.isArray(spec.ports)) {
    for (const port of spec.ports as Json[]) {
      if (port.protocol === undefined) port.protocol = 'TCP';
      if (port.targetPort === undefined) port.targetPort = port.port;
    }
  }
}

function defaultDeployment(obj: KubeObject): void {
  const spec = specOf(obj);
  if (spec.replicas === undefined) spec.replicas = 1;
  if (spec.progressDeadlineSeconds === undefined) spec.progressDeadlineSeconds = 600;
  if (spec.revisionHistoryLimit === undefined) spec.revisionHistoryLimit = 10;
  const strategy = (spec.strategy ?? {}) as Json;
  if (strategy.type === undefined) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const rolling = (strategy.rollingUpdate ?? {}) as Json;
    if (rolling.maxSurge === undefined) rolling.maxSurge = '25%';
    if (rolling.maxUnavailable === undefined) rolling.maxUnavailable = '25%';
    strategy.rollingUpdate = rolling;
  }
  spec.strategy = strategy;
}
