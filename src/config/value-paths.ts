// Where the chart reads each value (canary.yaml's valuePaths over the defaults), and which sets of
// paths cannot all be written.
import { DEFAULT_VALUE_PATHS, ROLES, type ValuePaths } from '../engine/index.js';
import type { ConfigFile } from './schema.js';

/**
 * checkValuePaths lists value paths that cannot all be written: two the same, or one inside
 * another (`productionDeployment.image` and `productionDeployment.image.tag`).
 */
export function checkValuePaths(paths: ValuePaths): string[] {
  const all = ROLES.flatMap((role) =>
    (Object.keys(paths[role]) as (keyof ValuePaths['production'])[]).map((field) => ({ at: `valuePaths.${role}.${field}`, path: paths[role][field] })),
  );
  const problems: string[] = [];
  all.forEach((a, i) => {
    for (const b of all.slice(i + 1)) {
      if (a.path === b.path) problems.push(`${b.at}: is the same path as ${a.at} (${JSON.stringify(a.path)}); each value needs its own`);
      else if (b.path.startsWith(`${a.path}.`)) problems.push(`${b.at}: ${JSON.stringify(b.path)} is inside ${a.at} (${JSON.stringify(a.path)}); one value cannot be both a value and a map`);
      else if (a.path.startsWith(`${b.path}.`)) problems.push(`${a.at}: ${JSON.stringify(a.path)} is inside ${b.at} (${JSON.stringify(b.path)}); one value cannot be both a value and a map`);
    }
  });
  return problems;
}

/** mergeValuePaths lays canary.yaml's valuePaths over the defaults. */
export function mergeValuePaths(custom: ConfigFile['valuePaths']): ValuePaths {
  return {
    production: { ...DEFAULT_VALUE_PATHS.production, ...custom?.production },
    canary: { ...DEFAULT_VALUE_PATHS.canary, ...custom?.canary },
  };
}
