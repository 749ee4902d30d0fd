// `helm-canary plan`: prints the stages, their applies and rollbacks. Needs no cluster, and
// must not load the Kubernetes client (it is imported by cluster commands only).
import { stringify } from 'yaml';
import { planRollout, type RolloutPlan } from '../../../engine/index.js';
import { loadConfig, type Config, type ConfigFlags } from '../../../config/load-config.js';
import { InvalidInputError } from '../../../config/config-error.js';
import { parseImageTag, withInputProblems } from '../../../config/command-inputs.js';
import { InputError } from '../../errors.js';
import { renderPlanTable } from '../../render/plan-table.js';
import { renderPlanScript } from '../../render/plan-script.js';

import type { PlanOutput } from '../plan-outputs.js';

/** PlanFlags are plan's (and lint's) inputs: the config's flags and the two tags. */
export type PlanFlags = ConfigFlags & { stableTag?: string; newTag?: string };

/** PlanInputs are a loaded config and the tags to plan with: --stable-tag (else image.stableTag) and --new-tag. */
export interface PlanInputs {
  config: Config;
  stableTag?: string;
  newTag?: string;
}

// A plan moves from one tag to another: the same tag twice is no rollout.
function sameTags(stableTag: string | undefined, newTag: string | undefined): string[] {
  return newTag !== undefined && newTag === stableTag ? [`--new-tag: must differ from the stable tag (both are ${JSON.stringify(newTag)})`] : [];
}

/**
 * loadPlanInputs loads the config and checks plan's own flags, --stable-tag and --new-tag (image
 * tags, and different from each other); every problem of both is in one InvalidInputError.
 */
export function loadPlanInputs(flags: PlanFlags, cwd = process.cwd()): PlanInputs {
  const problems: string[] = [];
  const stableFlag = parseImageTag(flags.stableTag, '--stable-tag', problems);
  const newTag = parseImageTag(flags.newTag, '--new-tag', problems);
  problems.push(...sameTags(stableFlag, newTag));
  const config = withInputProblems(problems, () => loadConfig(flags, cwd));
  if (stableFlag !== undefined) return { config, stableTag: stableFlag, newTag };
  // image.stableTag is known only once the file is read and valid.
  const same = sameTags(config.stableTag, newTag);
  if (same.length) throw new InvalidInputError(same);
  return { config, stableTag: config.stableTag, newTag };
}

/** buildPlan loads the config and computes the rollout document. */
export function buildPlan(flags: PlanFlags): RolloutPlan {
  const { config, stableTag, newTag } = loadPlanInputs(flags);
  const missing = [
    stableTag === undefined ? 'the stable tag (--stable-tag, or image.stableTag in the config)' : undefined,
    newTag === undefined ? 'the new tag (--new-tag)' : undefined,
  ].filter((m): m is string => m !== undefined);
  if (missing.length) throw new InputError('plan needs both image tags', missing.map((m) => `missing ${m}`));
  return planRollout({ ...config.spec, stableTag: stableTag!, newTag: newTag! }, config.plan);
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
