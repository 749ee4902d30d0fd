// `completion` and `__complete`: the script for a shell, and the candidates for one command line.
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { completeWords, type ValueSources } from '../../completion/complete-words.js';
import { completionScript, type Shell } from '../../completion/shell-scripts.js';
import { builtinPlans, readPlanSource } from '../../../config/load-plan.js';
import { stageCount } from '../../../engine/stages.js';

/** printCompletionScript prints the completion script of `shell`. */
export function printCompletionScript(shell: Shell, deps: CliDeps): void {
  deps.stdout.write(completionScript(shell));
}

// The value after `flag` in the words typed so far (`--plan gradual` or `--plan=gradual`).
function flagValue(words: string[], ...flags: string[]): string | undefined {
  for (let i = words.length - 1; i >= 0; i--) {
    const word = words[i]!;
    for (const flag of flags) {
      if (word === flag) return words[i + 1];
      if (word.startsWith(`${flag}=`)) return word.slice(flag.length + 1);
    }
  }
  return undefined;
}

// The plan a command line would use, cheaply: --steps, --plan, the config file's, or the default.
function stagesOf(words: string[], cwd: string): number | undefined {
  const steps = flagValue(words, '--steps');
  if (steps) return stageCount({ steps: steps.split(',') as unknown[] as { weight: number }[] });
  let plan: unknown = flagValue(words, '--plan');
  if (plan === undefined) {
    const file = flagValue(words, '-f', '--file') ?? 'canary.yaml';
    try {
      const config = existsSync(file) ? (parse(readFileSync(file, 'utf8')) as Record<string, unknown> | null) : null;
      plan = config?.plan;
    } catch {
      // an unreadable config: complete as the default plan would
    }
  }
  const source = readPlanSource((plan as Parameters<typeof readPlanSource>[0] | undefined) ?? 'seven-stage', cwd);
  return 'plan' in source ? stageCount({ steps: source.plan.steps as { weight: number }[] }) : undefined;
}

/** fileValueSources read plan names from stages/ and stage counts from the flags or canary.yaml in `cwd`. */
export function fileValueSources(cwd: string): ValueSources {
  return { plans: builtinPlans, stageCount: (words) => stagesOf(words, cwd) };
}

/** printCandidates prints the candidates for the last of `words`, one per line; a completion never fails loudly. */
export function printCandidates(program: Command, words: string[], deps: CliDeps): void {
  let candidates: string[] = [];
  try {
    candidates = completeWords(program, words, fileValueSources(process.cwd()));
  } catch {
    // a shell's completion must not print errors into the command line
  }
  if (candidates.length) deps.stdout.write(`${candidates.join('\n')}\n`);
}
