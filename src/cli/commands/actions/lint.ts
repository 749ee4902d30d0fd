// `helm-canary lint`: checks a release's setup without a cluster. The config and plan are
// validated, `helm lint` runs on a local chart, and every distinct set of values the rollout
// would apply (stages and rollbacks) is rendered with `helm template`, so a chart that rejects a
// stage's values fails here rather than halfway through a release. In overlay mode each render
// goes through helm-canary's overlay post-renderer, as the applies do, and lint says what the
// overlay would generate from the chart.
import { overlayChartValues, planRollout, type PlannedApply } from '../../../engine/index.js';
import { resolveHelmBinary } from '../../../config/resolve-target.js';
import { ExecaHelmRunner } from '../../../helm/execa-helm-runner.js';
import { toTemplateArgs } from '../../../helm/template-args.js';
import { privateValuesFiles } from '../../../io/values-files.js';
import { InputError, UnreachableError } from '../../errors.js';
import { renderDocument, type OutputFormat } from '../../render/machine-output.js';
import { renderLintText, type LintReport } from '../../render/lint-text.js';
import { describeRender, OverlayRefusal, overlayRenderEnv, templateThroughOverlay } from './lint-overlay.js';
import { loadPlanInputs, type PlanFlags } from './plan.js';
import type { CliDeps } from '../../cli-deps.js';

/** LintFlags are lint's flags. */
export interface LintFlags extends PlanFlags {
  helm?: string;
  output?: OutputFormat;
}

/** LINT_PLACEHOLDER_TAGS stand in for tags not given: lint checks shapes, not images. */
export const LINT_PLACEHOLDER_TAGS = { stable: 'lint-stable', new: 'lint-new' };

// Renders through the post-renderer start a Node each: a few at a time.
const OVERLAY_RENDERS_AT_ONCE = 3;

/** runLint prints what it checked; throws InputError listing every problem found. */
export async function runLint(flags: LintFlags, deps: Pick<CliDeps, 'stdout'>): Promise<void> {
  const inputs = loadPlanInputs(flags);
  const { config } = inputs;
  const overlay = config.spec.overlay;
  const stableTag = inputs.stableTag ?? LINT_PLACEHOLDER_TAGS.stable;
  const newTag = inputs.newTag ?? LINT_PLACEHOLDER_TAGS.new;
  const doc = planRollout({ ...config.spec, stableTag, newTag }, config.plan);
  // lint runs helm without a cluster: of where a command acts, only the helm binary matters.
  const runner = new ExecaHelmRunner({ binary: resolveHelmBinary(flags, process.env, config.target) });
  const version = await runner.version().catch((err: Error) => {
    throw new UnreachableError(`cannot run helm (${runner.binary})`, [err.message]);
  });
  const helmMajor = version.major >= 4 ? 4 : 3;

  const problems: string[] = [];
  // Many applies repeat the same values (a rollback ends where stage 1 is): render each once.
  const applies = new Map<string, { apply: PlannedApply; where: string }>();
  const add = (apply: PlannedApply, where: string) => {
    const key = JSON.stringify(apply.values);
    if (!applies.has(key)) applies.set(key, { apply, where });
  };
  for (const stage of doc.stages) stage.applies.forEach((a, i) => add(a, `stage ${stage.number}, apply ${i + 1}`));
  for (const [from, list] of Object.entries(doc.rollback.from)) list.forEach((a, i) => add(a, `rollback from stage ${from}, apply ${i + 1}`));
  // The first apply over a release deployed without the overlay adopts it (traffic still to the
  // Service as a whole): rendered too, as deploy and start would apply it.
  if (overlay) {
    const first = doc.stages[0]!.applies[0]!;
    add({ ...first, purpose: `${first.purpose}, adopting a release deployed without the overlay`, values: overlayChartValues(first.state, overlay, true) }, 'stage 1, apply 1');
  }

  if (config.spec.chart.kind === 'path') {
    const first = doc.stages[0]!.applies[0]!;
    const lint = await privateValuesFiles.withFile('lint.values.yaml', first.values, (file) => runner.lint((config.spec.chart as { path: string }).path, [...config.spec.valuesFiles, file]));
    if (!lint.ok) problems.push(`helm lint failed:\n${lint.output.trim()}`);
  }

  // Each apply's values rendered as the apply would render them; the failure of each, keyed by
  // what it says, in the applies' order.
  const overlayEnv = overlay && !problems.length ? await overlayRenderEnv(runner, helmMajor) : process.env;
  const render = (apply: PlannedApply, through: boolean): Promise<string> =>
    privateValuesFiles.withFile(apply.valuesFile, apply.values, (file) => {
      const argv = toTemplateArgs(apply.helm.map((w) => (w === apply.valuesFile ? file : w)));
      return through ? templateThroughOverlay(runner, helmMajor, overlayEnv, argv, file) : runner.template(argv);
    });
  const attempt = async ({ apply }: { apply: PlannedApply }) => {
    try {
      await render(apply, overlay !== undefined);
      return undefined;
    } catch (err) {
      if (err instanceof UnreachableError) throw err;
      if (err instanceof OverlayRefusal) return { refused: true, text: err.message };
      return { refused: false, text: (err as { stderr?: string }).stderr?.trim() || (err as Error).message };
    }
  };
  // A chart that fails lint fails every render the same way: one report is enough. So does a chart
  // the overlay refuses as it renders at stage 1 (its objects, not a stage's values, are refused).
  let toRender = problems.length ? [] : [...applies.values()];
  let outcomes: Awaited<ReturnType<typeof attempt>>[] = [];
  if (overlay && toRender.length) {
    const first = await attempt(toRender[0]!);
    if (first?.refused) toRender = toRender.slice(0, 1);
    outcomes = [first, ...(await mapAtMost(OVERLAY_RENDERS_AT_ONCE, toRender.slice(1), attempt))];
  } else {
    outcomes = await mapAtMost(1, toRender, attempt);
  }
  const failures = new Map<string, { refused: boolean; where: string[] }>();
  outcomes.forEach((outcome, i) => {
    if (!outcome) return;
    const { apply, where } = toRender[i]!;
    const seen = failures.get(outcome.text) ?? { refused: outcome.refused, where: [] };
    seen.where.push(`${where} (${apply.purpose})`);
    failures.set(outcome.text, seen);
  });
  for (const [text, { refused, where }] of failures) {
    problems.push(
      refused
        ? `helm-canary's overlay cannot canary the chart rendered with the values of ${where.join('; ')}:\n${text}`
        : `the chart does not render the values of ${where.join('; ')}:\n${text}`,
    );
  }

  // What the overlay generates, from stage 1 rendered without it (the chart as the team wrote it).
  let description: LintReport['overlay'];
  if (overlay && !problems.length) {
    const first = doc.stages[0]!.applies[0]!;
    try {
      description = { ...describeRender(await render(first, false), overlay), renderedFrom: 'stage 1' };
    } catch (err) {
      if (!(err instanceof OverlayRefusal)) throw err;
      problems.push(`helm-canary's overlay cannot canary the chart rendered with the values of stage 1:\n${err.message}`);
    }
  }
  if (problems.length) throw new InputError(`lint found ${problems.length} problem${problems.length > 1 ? 's' : ''}`, problems);

  const report: LintReport = {
    ok: true,
    mode: overlay ? 'overlay' : 'values',
    plan: doc.plan,
    stages: doc.stages.length,
    renderedValues: applies.size,
    helm: version.raw,
    helmLint: config.spec.chart.kind === 'path' ? 'passed' : 'skipped',
    ...(description ? { overlay: description } : {}),
  };
  const format = flags.output ?? 'text';
  deps.stdout.write(format === 'text' ? renderLintText(report) : renderDocument(report, format));
}

// Runs `fn` over `items`, at most `limit` at once; the results in the items' order.
async function mapAtMost<T, R>(limit: number, items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
