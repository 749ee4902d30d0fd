// Objects of the seed's chart (production + canary Deployments, Service, DestinationRule with
// production/canary subsets by the `canary` label, VirtualService with weights), written straight
// to the store so the controllers and the mesh can be tested without the API server or helm.
import { Faults } from '../../sim/faults.js';
import { ManualClock, startControllers } from '../../sim/controllers/index.js';
import type { ControllerOptions } from '../../sim/controllers/index.js';
import { MemoryStore } from '../../sim/store/memory-store.js';
import { KINDS } from '../../sim/store/resources.js';
import type { KubeObject } from '../../sim/store/types.js';

export const NS = 'shop';
export const HOST = `productpage.${NS}.svc.cluster.local`;

/** StageValues are the values that change between the seed's stages. */
export interface StageValues {
  prodTag: string;
  prodReplicas: number;
  prodWeight: number;
  canaryTag: string;
  canaryReplicas: number;
  canaryWeight: number;
}

function deploymentFor(name: string, canary: boolean, tag: string, replicas: number): KubeObject {
  const labels = { app: 'productpage', canary: String(canary) };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'productpage', image: `repo/productpage:${tag}` }] } },
    },
  };
}

function virtualService(prodWeight: number, canaryWeight: number, canarySubset = 'canary'): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'productpage', namespace: NS },
    spec: {
      hosts: [HOST],
      http: [
        {
          route: [
            { destination: { host: HOST, subset: 'production', port: { number: 9080 } }, weight: prodWeight },
            { destination: { host: HOST, subset: canarySubset, port: { number: 9080 } }, weight: canaryWeight },
          ],
        },
      ],
    },
  };
}

/** givenShop starts a store, controllers and traffic on a manual clock, with the chart's objects at `values`. */
export function givenShop(values: StageValues, options: ControllerOptions & { seed?: number } = {}) {
  const clock = new ManualClock();
  const store = new MemoryStore({ now: () => new Date(clock.now()) });
  const faults = new Faults();
  const errors: unknown[] = [];
  const { seed, ...rest } = options;
  const controllers = startControllers({
    store,
    faults,
    options: { podReadyDelayMs: 1000, podTerminationDelayMs: 100, meshPropagationDelayMs: 200, trafficSeed: seed ?? 42, ...rest, clock, onError: (e) => errors.push(e) },
  });
  const traffic = controllers.traffic;
  store.create(KINDS.namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  store.create(KINDS.service, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'productpage', namespace: NS }, spec: { selector: { app: 'productpage' }, ports: [{ port: 9080 }] } });
  store.create(KINDS.destinationRule, {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'productpage', namespace: NS },
    spec: { host: HOST, subsets: [{ name: 'production', labels: { canary: 'false' } }, { name: 'canary', labels: { canary: 'true' } }] },
  });
  store.create(KINDS.deployment, deploymentFor('productpage', false, values.prodTag, values.prodReplicas));
  store.create(KINDS.deployment, deploymentFor('productpagecanary', true, values.canaryTag, values.canaryReplicas));
  store.create(KINDS.virtualService, virtualService(values.prodWeight, values.canaryWeight));

  /** apply writes a stage's values the way one helm upgrade would: every object at once. */
  const apply = (v: Partial<StageValues> & { canarySubset?: string }, only: ('deployments' | 'routes')[] = ['deployments', 'routes']): void => {
    const merged = { ...values, ...v };
    Object.assign(values, v);
    if (only.includes('deployments')) {
      for (const d of [deploymentFor('productpage', false, merged.prodTag, merged.prodReplicas), deploymentFor('productpagecanary', true, merged.canaryTag, merged.canaryReplicas)]) {
        const live = store.get(KINDS.deployment, NS, d.metadata.name)!;
        store.update(KINDS.deployment, { ...live, spec: d.spec });
      }
    }
    if (only.includes('routes')) {
      const live = store.get(KINDS.virtualService, NS, 'productpage')!;
      store.update(KINDS.virtualService, { ...live, spec: virtualService(merged.prodWeight, merged.canaryWeight, v.canarySubset).spec });
    }
  };

  /** rolledOut tells whether a Deployment's rollout is complete (what `helm --wait` waits for). */
  const rolledOut = (name: string): boolean => {
    const d = store.get(KINDS.deployment, NS, name) as Record<string, any> | undefined;
    const progressing = (d?.status?.conditions ?? []).find((c: any) => c.type === 'Progressing');
    return d?.status?.observedGeneration === d?.metadata.generation && progressing?.reason === 'NewReplicaSetAvailable' && d?.status?.availableReplicas === d?.spec.replicas;
  };

  /** waitRolledOut advances the clock in steps until both Deployments are rolled out, like `--wait`. */
  const waitRolledOut = async (stepMs = 100, maxSteps = 1000): Promise<void> => {
    for (let i = 0; i < maxSteps; i++) {
      if (rolledOut('productpage') && rolledOut('productpagecanary')) return;
      await clock.advance(stepMs);
    }
    throw new Error('rollout did not complete');
  };

  const stop = (): void => {
    controllers.stop();
  };
  return { clock, store, faults, traffic, errors, apply, rolledOut, waitRolledOut, stop };
}

/** STAGE1 is the seed's stable stage: production 83 takes everything, no canary pods. */
export const STAGE1: StageValues = { prodTag: '83', prodReplicas: 2, prodWeight: 100, canaryTag: '83', canaryReplicas: 0, canaryWeight: 0 };
