// `helm-canary lint`: checks a release's setup without a cluster. The config and plan are
// validated, `helm lint` runs on a local chart, and every distinct set of values the rollout
// would apply (stages and rollbacks) is rendered with `helm template`, so a chart that rejects a
// stage's values fails here rather than halfway through a release.
import { planRollout, type PlannedApply } from '../../../engine/index.js';
import { resolveHelmBinary } from '../../../config/resolve-target.js';
import { ExecaHelmRunner } from '../../../helm/execa-helm-runner.js';
import { toTemplateArgs } from '../../../helm/template-args.js';
import { privateValuesFiles } from '../../../io/values-files.js';
import { InputError, UnreachableError } from '../../errors.js';
import { loadPlanInputs, type PlanFlags } from './plan.js';
import type { CliDeps } from '../../cli-deps.js';

/** LintFlags are lint's flags. */
export interface LintFlags extends PlanFlags {
  helm?: string;
}

/** LINT_PLACEHOLDER_TAGS stand in for tags not given: lint checks shapes, not images. */
export const LINT_PLACEHOLDER_TAGS = { stable: 'lint-stable', new: 'lint-new' };

/** runLint prints what it checked; throws InputError listing every problem found. */
export async function runLint(flags: LintFlags, deps: Pick<CliDeps, 'stdout'>): Promise<void> {
  const inputs = loadPlanInputs(flags);
  const { config } = inputs;
  const stableTag = inputs.stableTag ?? LINT_PLACEHOLDER_TAGS.stable;
  const newTag = inputs.newTag ?? LINT_PLACEHOLDER_TAGS.new;
  const doc = planRollout({ ...config.spec, stableTag, newTag }, config.plan);
  // lint runs helm without a cluster: of where a command acts, only the helm binary matters.
  const runner = new ExecaHelmRunner({ binary: resolveHelmBinary(flags, process.env, config.target) });
  const version = await runner.version().catch((err: Error) => {
    throw new UnreachableError(`cannot run helm (${runner.binary})`, [err.message]);
  });

  const problems: string[] = [];
  // Many applies repeat the same values (a rollback ends where stage 1 is): render each once.
  const applies = new Map<string, { apply: PlannedApply; where: string }>();
  const add = (apply: PlannedApply, where: string) => {
    const key = JSON.stringify(apply.values);
    if (!applies.has(key)) applies.set(key, { apply, where });
  };
  for (const stage of doc.stages) stage.applies.forEach((a, i) => add(a, `stage ${stage.number}, apply ${i + 1}`));
  for (const [from, list] of Object.entries(doc.rollback.from)) list.forEach((a, i) => add(a, `rollback from stage ${from}, apply ${i + 1}`));

  if (config.spec.chart.kind === 'path') {
    const first = doc.stages[0]!.applies[0]!;
    const lint = await privateValuesFiles.withFile('lint.values.yaml', first.values, (file) => runner.lint((config.spec.chart as { path: string }).path, [...config.spec.valuesFiles, file]));
    if (!lint.ok) problems.push(`helm lint failed:\n${lint.output.trim()}`);
  }
  // A chart that fails lint fails every render the same way: one report is enough.
  const failures = new Map<string, string[]>();
  for (const { apply, where } of problems.length ? [] : applies.values()) {
    try {
      await privateValuesFiles.withFile(apply.valuesFile, apply.values, (file) =>
        runner.template(toTemplateArgs(apply.helm.map((w) => (w === apply.valuesFile ? file : w)))),
      );
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
      failures.set(stderr, [...(failures.get(stderr) ?? []), `${where} (${apply.purpose})`]);
    }
  }
  for (const [stderr, where] of failures) problems.push(`the chart does not render the values of ${where.join('; ')}:\n${stderr}`);
  if (problems.length) throw new InputError(`lint found ${problems.length} problem${problems.length > 1 ? 's' : ''}`, problems);
  deps.stdout.write(
    `ok: config valid; plan ${doc.plan} has ${doc.stages.length} stages; ${applies.size} distinct stage values rendered with helm ${version.raw}` +
      `${config.spec.chart.kind === 'path' ? '; helm lint passed' : ''}\n`,
  );
}
