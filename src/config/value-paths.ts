// Where the chart reads each value (canary.yaml's valuePaths over the defaults), and which sets of
// paths cannot all be written.
import { DEFAULT_VALUE_PATHS, OVERLAY_VALUE_PATHS, ROLES, type OverlaySpec, type ValuePaths } from '../engine/index.js';
import { OVERLAY_VALUES_KEY } from '../overlay/overlay-input.js';
import type { ConfigFile } from './schema.js';

/** DEFAULT_CHART_IMAGE is where a `helm create` chart reads its image. */
export const DEFAULT_CHART_IMAGE: OverlaySpec['chartImage'] = { repository: 'image.repository', tag: 'image.tag' };

/** ModeValuePaths is where a mode keeps the stage values, and in overlay mode where the chart reads its image. */
export interface ModeValuePaths {
  valuePaths: ValuePaths;
  chartImage?: OverlaySpec['chartImage'];
  problems: string[];
}

/**
 * modeValuePaths resolves canary.yaml's valuePaths for its mode. In values mode they are where
 * the chart reads every stage value. In overlay mode the chart reads only its image (valuePaths.
 * production.repository and .tag, default image.repository and image.tag); the stage values live
 * under the generated values' own key, which no chart path may reach into.
 */
export function modeValuePaths(mode: 'values' | 'overlay', custom: ConfigFile['valuePaths']): ModeValuePaths {
  if (mode === 'values') {
    const valuePaths = mergeValuePaths(custom);
    return { valuePaths, problems: checkValuePaths(valuePaths) };
  }
  const problems: string[] = [];
  const { repository, tag, ...others } = custom?.production ?? {};
  for (const key of Object.keys(others)) problems.push(`valuePaths.production.${key}: not used in overlay mode, where the chart reads only its image (valuePaths.production.repository and .tag)`);
  if (custom?.canary) problems.push('valuePaths.canary: not used in overlay mode: helm-canary renders the canary Deployment itself');
  const chartImage = { repository: repository ?? DEFAULT_CHART_IMAGE.repository, tag: tag ?? DEFAULT_CHART_IMAGE.tag };
  if (chartImage.repository === chartImage.tag) problems.push(`valuePaths.production.tag: is the same path as valuePaths.production.repository (${JSON.stringify(chartImage.tag)}); each value needs its own`);
  else if (chartImage.tag.startsWith(`${chartImage.repository}.`) || chartImage.repository.startsWith(`${chartImage.tag}.`)) {
    problems.push('valuePaths.production: the repository and tag paths cannot be one inside the other; one value cannot be both a value and a map');
  }
  for (const [field, path] of Object.entries(chartImage)) {
    if (path === OVERLAY_VALUES_KEY || path.startsWith(`${OVERLAY_VALUES_KEY}.`)) problems.push(`valuePaths.production.${field}: ${JSON.stringify(path)} is inside ${OVERLAY_VALUES_KEY}, the key helm-canary keeps its own values under`);
  }
  return { valuePaths: OVERLAY_VALUE_PATHS, chartImage, problems };
}

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
