// `helm-canary run`: the interactive rollout. Starts (or resumes) a rollout, then after each
// stage shows the status and asks: promote to the next stage, roll back, or hold. Never waits
// for input without a terminal: it says which flag or command to use instead.
import { confirm, select } from '@inquirer/prompts';
import { isCi } from '../../ci/detect.js';
import { buildClusterContext, type ClusterFlags } from '../cluster-context.js';
import { InputError, InterruptedError, StageFailedError } from '../errors.js';
import { toCliError } from '../to-cli-error.js';
import { renderStatusText } from '../render/status-text.js';
import { isActive } from '../../rollout/record.js';
import { start } from '../../rollout/start.js';
import { promote } from '../../rollout/promote.js';
import { rollback } from '../../rollout/rollback.js';
import { readStatus } from '../../rollout/status.js';

/** RunFlags are `run`'s flags. */
export interface RunFlags extends ClusterFlags {
  newTag?: string;
  yes?: boolean;
  rollbackOnFailure?: boolean;
}

type Choice = 'promote' | 'rollback' | 'hold';

/** runInteractive is `helm-canary run --new-tag N`. */
export async function runInteractive(flags: RunFlags, io: { interactive: boolean } = { interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY) && !isCi(process.env) }): Promise<void> {
  if (!io.interactive && !flags.yes) {
    throw new InputError('run asks a person before each stage, and there is no terminal to ask on', [
      'in a pipeline use: helm-canary start --new-tag TAG, then helm-canary promote (one stage per approval)',
      'or pass --yes to promote through every stage without asking',
    ]);
  }
  try {
    const { ctx, newTag } = await buildClusterContext(flags);
    const existing = await ctx.records.read(ctx.spec.namespace, ctx.spec.release);
    if (existing && isActive(existing.record)) {
      const r = existing.record;
      if (newTag && newTag !== r.newTag) throw new InputError(`a rollout of ${r.release} to ${r.newTag} is in progress; finish or roll it back before releasing ${newTag}`);
      ctx.reporter.info(`resuming the rollout of ${r.release}: ${r.stableTag} -> ${r.newTag}, stage ${r.stage}`);
    } else {
      if (!newTag) throw new InputError('run needs --new-tag to start a rollout (none is in progress)');
      await start(ctx, { newTag, rollbackOnFailure: flags.rollbackOnFailure });
    }
    for (;;) {
      const status = await readStatus(ctx);
      process.stdout.write(`\n${renderStatusText(status)}\n\n`);
      if (status.phase === 'completed') {
        ctx.reporter.info(`rollout complete: ${ctx.spec.release} runs ${status.newTag} as the new stable`);
        return;
      }
      const next = status.stage && status.stage.number < status.stage.of ? status.stage.number + 1 : undefined;
      const nextName = status.nextMoves.find((m) => m.startsWith('promote'));
      // The gate tells the truth: after a failure, or with pods not ready, it says so and
      // offers the way back first.
      const troubled = status.phase === 'failed' || status.phase === 'interrupted' || status.problems.length > 0;
      const promoteChoice = next ? [{ name: nextName ?? `promote to stage ${next}`, value: 'promote' as const }] : [];
      const rollbackChoice = [{ name: `roll back to ${status.stableTag}`, value: 'rollback' as const }];
      if (troubled && flags.yes) {
        throw new StageFailedError(`${ctx.spec.release} is not in place (${status.position}); not promoting without a person to judge it`, ['roll back with: helm-canary rollback']);
      }
      const answer: Choice = flags.yes
        ? 'promote'
        : await select<Choice>({
            message: troubled
              ? `Stage ${status.stage?.number} of ${status.stage?.of}: ${status.position}. What next?`
              : `Stage ${status.stage?.number} of ${status.stage?.of} (${status.stage?.name}) is in place. What next?`,
            choices: [
              ...(troubled ? [...rollbackChoice, ...promoteChoice] : [...promoteChoice, ...rollbackChoice]),
              { name: 'hold (exit; resume later with run or promote)', value: 'hold' as const },
            ],
          });
      if (answer === 'hold') {
        ctx.reporter.info(`holding at stage ${status.stage?.number}; resume with: helm-canary run, or helm-canary promote`);
        return;
      }
      if (answer === 'rollback') {
        const sure = flags.yes || (await confirm({ message: `Roll ${ctx.spec.release} back to ${status.stableTag}, removing the canary?`, default: false }));
        if (!sure) continue;
        await rollback(ctx, {});
        process.stdout.write(`\n${renderStatusText(await readStatus(ctx))}\n`);
        return;
      }
      await promote(ctx, { rollbackOnFailure: flags.rollbackOnFailure });
    }
  } catch (err) {
    // Ctrl-C at a prompt: leave the rollout where it is, and exit 130 as Ctrl-C during a stage does.
    if (err instanceof Error && err.name === 'ExitPromptError') {
      throw new InterruptedError('interrupted: the rollout stays where it is', ['resume with: helm-canary run']);
    }
    throw toCliError(err);
  }
}
