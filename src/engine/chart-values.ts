// Maps stage values onto the keys the team's chart reads (valuePaths), as a nested object ready
// to be written as a values file.
import { OVERLAY_VALUES_KEY } from '../overlay/overlay-input.js';
import { ROLES, type OverlaySpec, type StageValues, type ValuePaths } from './types.js';

/** DEFAULT_VALUE_PATHS are the seed's keys (productionDeployment.image.tag, ...). */
export const DEFAULT_VALUE_PATHS: ValuePaths = {
  production: {
    repository: 'productionDeployment.image.repository',
    tag: 'productionDeployment.image.tag',
    replicas: 'productionDeployment.replicaCount',
    weight: 'productionDeployment.weight',
  },
  canary: {
    repository: 'canaryDeployment.image.repository',
    tag: 'canaryDeployment.image.tag',
    replicas: 'canaryDeployment.replicaCount',
    weight: 'canaryDeployment.weight',
  },
};

/**
 * OVERLAY_VALUE_PATHS are where overlay mode keeps the stage values: under the generated values'
 * own key, which the chart never reads and the post-renderer does. helm keeps them with every
 * revision, as it keeps a values-mode chart's.
 */
export const OVERLAY_VALUE_PATHS: ValuePaths = {
  production: {
    repository: `${OVERLAY_VALUES_KEY}.production.repository`,
    tag: `${OVERLAY_VALUES_KEY}.production.tag`,
    replicas: `${OVERLAY_VALUES_KEY}.production.replicas`,
    weight: `${OVERLAY_VALUES_KEY}.production.weight`,
  },
  canary: {
    repository: `${OVERLAY_VALUES_KEY}.canary.repository`,
    tag: `${OVERLAY_VALUES_KEY}.canary.tag`,
    replicas: `${OVERLAY_VALUES_KEY}.canary.replicas`,
    weight: `${OVERLAY_VALUES_KEY}.canary.weight`,
  },
};

/** ChartValue is one value of a values file. */
export type ChartValue = string | number | boolean | ChartValue[] | ChartValues;
/** ChartValues is a nested values object. */
export type ChartValues = { [key: string]: ChartValue };

function setPath(target: ChartValues, path: string, value: string | number): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === undefined) node[key] = {};
    else if (typeof next !== 'object') throw new Error(`value path ${path}: ${key} is both a value and a map`);
    node = node[key] as ChartValues;
  }
  node[keys.at(-1)!] = value;
}

/** toChartValues builds the values object for one apply. Tags stay strings ("84", not 84). */
export function toChartValues(values: StageValues, paths: ValuePaths): ChartValues {
  const out: ChartValues = {};
  for (const role of ROLES) {
    for (const field of ['repository', 'tag', 'replicas', 'weight'] as const) {
      setPath(out, paths[role][field], values[role][field]);
    }
  }
  return out;
}

/**
 * overlayChartValues builds an overlay-mode apply's values: production's image at the chart's
 * own paths (the chart renders production), and under OVERLAY_VALUES_KEY what the post-renderer
 * needs: both Deployments' values, which objects to canary and the routing. `adopting` marks the
 * first apply over a release without the overlay (traffic still to the Service as a whole).
 */
export function overlayChartValues(values: StageValues, overlay: OverlaySpec, adopting = false): ChartValues {
  const out = toChartValues(values, OVERLAY_VALUE_PATHS);
  setPath(out, overlay.chartImage.repository, values.production.repository);
  setPath(out, overlay.chartImage.tag, values.production.tag);
  const own = out[OVERLAY_VALUES_KEY] as ChartValues;
  const target: ChartValues = {};
  for (const [key, name] of Object.entries(overlay.target)) if (name !== undefined) target[key] = name;
  own.target = target;
  own.routing = { hosts: [...overlay.routing.hosts], gateways: [...overlay.routing.gateways] };
  own.istioApiVersion = overlay.istioApiVersion;
  if (adopting) own.adopting = true;
  return out;
}

/**
 * chartAloneValues is what leaving overlay mode applies: production's image at the chart's own
 * paths and nothing of helm-canary's, so the chart renders as it would without the tool.
 */
export function chartAloneValues(values: StageValues, overlay: OverlaySpec): ChartValues {
  const out: ChartValues = {};
  setPath(out, overlay.chartImage.repository, values.production.repository);
  setPath(out, overlay.chartImage.tag, values.production.tag);
  return out;
}

/** readChartValues is the inverse: the stage values found in a release's values, or the missing paths. */
export function readChartValues(values: unknown, paths: ValuePaths): { values: StageValues } | { missing: string[] } {
  const missing: string[] = [];
  const get = (path: string): unknown => {
    let node: unknown = values;
    for (const key of path.split('.')) {
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<string, unknown>)[key];
    }
    return node;
  };
  const read = (role: 'production' | 'canary') => {
    const p = paths[role];
    const repository = get(p.repository);
    const tag = get(p.tag);
    const replicas = get(p.replicas);
    const weight = get(p.weight);
    if (typeof repository !== 'string') missing.push(p.repository);
    if (typeof tag !== 'string' && typeof tag !== 'number') missing.push(p.tag);
    if (typeof replicas !== 'number') missing.push(p.replicas);
    if (typeof weight !== 'number') missing.push(p.weight);
    return { repository: String(repository), tag: String(tag), replicas: Number(replicas), weight: Number(weight) };
  };
  const result = { production: read('production'), canary: read('canary') };
  return missing.length ? { missing } : { values: result };
}
