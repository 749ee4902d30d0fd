// Maps stage values onto the keys the team's chart reads (valuePaths), as a nested object ready
// to be written as a values file.
import { ROLES, type StageValues, type ValuePaths } from './types.js';

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

/** ChartValues is a nested values object. */
export type ChartValues = { [key: string]: string | number | ChartValues };

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
