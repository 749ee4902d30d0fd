// What a generated pipeline needs to know about the release: its name, the config file the
// jobs pass to helm-canary, and the stages of its plan. Read from the validated config, so a
// pipeline is never generated for a configuration the tool would reject.
import { relative, sep } from 'node:path';
import { planStages } from '../engine/index.js';
import type { Config } from '../config/load-config.js';

/** PipelineStage is one stage a pipeline job moves the release to. */
export interface PipelineStage {
  number: number;
  name: string;
  productionWeight: number;
  canaryWeight: number;
}

/** PipelineInput is the release as the generators see it. */
export interface PipelineInput {
  release: string;
  namespace: string;
  plan: string;
  /** The config file, relative to the repository root (the jobs' working directory), with `/`. */
  configPath: string;
  /** Every stage of the plan, stage 1 (stable) first. */
  stages: PipelineStage[];
  /** The npm version of helm-canary the jobs install. */
  toolVersion: string;
  /** The helm release the jobs install, e.g. "v3.17.2" (the one the team tested, never "latest"). */
  helmVersion: string;
}

/** pipelineInput derives the generators' input from a loaded config; `root` is the repository root. */
export function pipelineInput(config: Config, root: string, versions: { toolVersion: string; helmVersion: string }): PipelineInput {
  if (!config.source) throw new Error('pipelineInput needs a config file');
  // The tags only name the stages' images; the names and weights do not depend on them.
  const stages = planStages({ ...config.spec, stableTag: 'stable', newTag: 'new' }, config.plan);
  return {
    release: config.spec.release,
    namespace: config.spec.namespace,
    plan: config.plan.name,
    configPath: relative(root, config.source).split(sep).join('/'),
    stages: stages.map((s) => ({ number: s.number, name: s.name, productionWeight: s.values.production.weight, canaryWeight: s.values.canary.weight })),
    toolVersion: versions.toolVersion,
    helmVersion: versions.helmVersion,
  };
}

/** stageCommand is the helm-canary argv that takes the release to `stage` (2 starts the rollout). */
export function stageCommand(input: PipelineInput, stage: number, newTagRef: string): string {
  const file = shellWord(input.configPath);
  return stage === 2
    ? `helm-canary start -f ${file} --new-tag "${newTagRef}" --yes`
    : `helm-canary promote -f ${file} --to ${stage} --yes`;
}

/** rollbackCommand is the helm-canary command of a rollback job. */
export function rollbackCommand(input: PipelineInput): string {
  return `helm-canary rollback -f ${shellWord(input.configPath)} --yes`;
}

/** shellWord quotes a word for bash only when it needs it. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./@%+=:,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** stageTitle is a stage's display name, e.g. "Stage 2: canary 10 % (90/10)". */
export function stageTitle(stage: PipelineStage): string {
  return `Stage ${stage.number}: ${stage.name} (${stage.productionWeight}/${stage.canaryWeight})`;
}
