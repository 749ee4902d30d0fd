// `helm-canary completion bash|zsh|fish` and the hidden `helm-canary __complete <words...>` the
// scripts (and the helm plugin) call: registration only; the work is imported when it runs.
import { Argument, type Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { SHELLS, type Shell } from '../completion/shell-scripts.js';

/** registerCompletion adds `completion` and the hidden `__complete` to the program. */
export function registerCompletion(program: Command, deps: CliDeps): void {
  program
    .command('completion')
    .description('print a shell completion script (commands, flags, and values such as --output, --plan and --to)')
    .addArgument(new Argument('<shell>', 'the shell to complete in').choices(SHELLS))
    .addHelpText(
      'after',
      '\nLoad it:\n' +
        '  bash  source <(helm-canary completion bash)\n' +
        '  zsh   source <(helm-canary completion zsh)\n' +
        '  fish  helm-canary completion fish | source\n',
    )
    .action(async (shell: Shell) => (await import('./actions/completion.js')).printCompletionScript(shell, deps));
  program
    // The contract the scripts and the helm plugin call: the arguments after the program name, the
    // last being the word to complete (possibly empty), optionally after a `--` (commander drops it;
    // without it a word such as -V would print the version); prints one candidate per line.
    .command('__complete', { hidden: true })
    .argument('[words...]')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (_words: string[], _opts: unknown, cmd: Command) => (await import('./actions/completion.js')).printCandidates(program, cmd.args, deps));
}
