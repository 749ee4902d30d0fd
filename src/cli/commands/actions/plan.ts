// `helm-canary plan`: prints the stages, their applies and rollbacks. Needs no cluster, and
// must not load the Kubernetes client (it is imported by cluster commands only).
import { stringify } from 'yaml';
import { planRollout, type RolloutPlan } from '../../../engine/index.js';
import { loadConfig, type ConfigFlags } from '../../../config/load-config.js';
import { InputError } from '../../errors.js';
import { renderPlanTable } from '../../render/plan-table.js';
import { renderPlanScript } from '../../render/plan-script.js';

import type { PLAN_OUTPUTS } from '../plan.js';

export type PlanOutput = (typeof PLAN_OUTPUTS)[number];

/** buildPlan loads the config and computes the rollout document. */
export function buildPlan(flags: ConfigFlags): RolloutPlan {
  const config = loadConfig(flags);
  const missing = [
    config.stableTag === undefined ? 'the stable tag (--stable-tag, or image.stableTag in the config)' : undefined,
    config.newTag === undefined ? 'the new tag (--new-tag)' : undefined,
  ].filter((m): m is string => m !== undefined);
  if (missing.length) throw new InputError('plan needs both image tags', missing.map((m) => `missing ${m}`));
  return planRollout({ ...config.spec, stableTag: config.stableTag!, newTag: config.newTag! }, config.plan);
}

/** renderPlan formats the rollout document. */
export function renderPlan(doc: RolloutPlan, output: PlanOutput): string {
  switch (output) {
    case 'json':
      return JSON.stringify(doc, null, 2);
    case 'yaml':
      return stringify(doc).trimEnd();
    case 'script':
      return renderPlanScript(doc).trimEnd();
    case 'table':
      return renderPlanTable(doc);
  }
}
