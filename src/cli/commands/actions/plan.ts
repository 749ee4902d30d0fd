// `helm-canary plan`: prints the stages, their applies and rollbacks. Needs no cluster, and
// must not load the Kubernetes client (it is imported by cluster commands only).
import { stringify } from 'yaml';
import { planRollout, type OverlaySpec, type PlannedApply, type RolloutPlan } from '../../../engine/index.js';
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

/**
 * OVERLAY_HELM_NOTE says, in overlay mode, what the printed helm argv lack: helm-canary adds the
 * post-renderer's flags and environment to each (they name a launcher or plugin directory of the
 * run, so no argv written down in advance has them).
 */
export const OVERLAY_HELM_NOTE =
  "each apply's helm argv (helm, helmByHand) runs only through helm-canary's overlay post-renderer, whose flags helm-canary adds when it runs the apply; " +
  'run by hand without it, helm would render the chart alone and delete the canary Deployment, the DestinationRule and the VirtualService';

/** PlanApply is one apply as plan prints it: in overlay mode marked as needing the post-renderer. */
export type PlanApply = PlannedApply & { needsPostRenderer?: true };

/** PlanDocument is the rollout document plan prints: the engine's, with the mode (and in overlay mode its settings and the post-renderer note). */
export type PlanDocument = Omit<RolloutPlan, 'stages' | 'rollback'> & {
  mode: 'values' | 'overlay';
  overlay?: OverlaySpec & { helmCommands: string };
  stages: (Omit<RolloutPlan['stages'][number], 'applies'> & { applies: PlanApply[] })[];
  rollback: { from: Record<string, PlanApply[]> };
};

/** buildPlan loads the config and computes the rollout document. */
export function buildPlan(flags: PlanFlags): PlanDocument {
  const { config, stableTag, newTag } = loadPlanInputs(flags);
  const missing = [
    stableTag === undefined ? 'the stable tag (--stable-tag, or image.stableTag in the config)' : undefined,
    newTag === undefined ? 'the new tag (--new-tag)' : undefined,
  ].filter((m): m is string => m !== undefined);
  if (missing.length) throw new InputError('plan needs both image tags', missing.map((m) => `missing ${m}`));
  const doc = planRollout({ ...config.spec, stableTag: stableTag!, newTag: newTag! }, config.plan);
  const overlay = config.spec.overlay;
  // The mode right after where the release is, where a reader of the JSON looks first.
  const { release, namespace, ...rest } = doc;
  if (!overlay) return { release, namespace, mode: 'values', ...rest };
  const mark = (applies: PlannedApply[]): PlanApply[] => applies.map((a) => ({ ...a, needsPostRenderer: true }));
  return {
    release,
    namespace,
    mode: 'overlay',
    overlay: { ...overlay, helmCommands: OVERLAY_HELM_NOTE },
    ...rest,
    stages: doc.stages.map((s) => ({ ...s, applies: mark(s.applies) })),
    rollback: { from: Object.fromEntries(Object.entries(doc.rollback.from).map(([from, applies]) => [from, mark(applies)])) },
  };
}

/** overlayScriptRefused: `--output script` in overlay mode, which would print helm commands that delete the canary. */
function overlayScriptRefused(): InputError {
  return new InputError("plan --output script is not available in overlay mode: the script's plain helm upgrade would apply the chart without helm-canary's overlay post-renderer, deleting the canary Deployment, the DestinationRule and the VirtualService", [
    'run the stages with helm-canary (deploy, start, promote, rollback), which runs helm through the post-renderer',
    'plan (table), -o json or -o yaml show every apply and its values',
  ]);
}

/** renderPlan formats the rollout document. */
export function renderPlan(doc: PlanDocument, output: PlanOutput): string {
  if (output === 'script' && doc.mode === 'overlay') throw overlayScriptRefused();
  switch (output) {
    case 'json':
      return JSON.stringify(doc, null, 2);
    case 'yaml':
      return stringify(doc).trimEnd();
    case 'script':
      return renderPlanScript(doc).trimEnd();
    case 'table':
      return renderPlanTable(doc, doc.mode);
  }
}
