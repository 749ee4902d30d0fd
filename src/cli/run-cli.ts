// The CLI as a function: `runCli(argv, deps)` creates the program, registers each verb (one file
// per verb in commands/, each importing its work only when it runs, so `--help` and `plan` never
// load the Kubernetes client), runs the command line, and maps whatever ends it to its exit code.
// Every line it prints goes through `deps`, so command tests run it in-process over fakes.
import { Command } from 'commander';
import type { CliDeps } from './cli-deps.js';
import { jsonOutputRequested, reportError } from './report-error.js';
import { packageVersion } from '../config/package-root.js';
import { registerPlan } from './commands/plan.js';
import { registerLint } from './commands/lint.js';
import { registerSchema } from './commands/schema.js';
import { registerDeploy } from './commands/deploy.js';
import { registerDetach } from './commands/detach.js';
import { registerStart } from './commands/start.js';
import { registerPromote } from './commands/promote.js';
import { registerRollback } from './commands/rollback.js';
import { registerRun } from './commands/run.js';
import { registerStatus } from './commands/status.js';
import { registerPipeline } from './commands/pipeline.js';
import { registerRbac } from './commands/rbac.js';
import { registerVersion } from './commands/version.js';
import { registerCompletion } from './commands/completion.js';
import { registerHistory } from './commands/history.js';
import { registerPostRender } from './commands/post-render.js';

function createProgram(deps: CliDeps): Command {
  return (
    new Command()
      .name('helm-canary')
      .description(
        'Istio-style canary releases of Helm charts, with a person judging each stage.\n' +
          'Each stage is one or more helm upgrade --install of your chart with generated values,\n' +
          'each followed by a wait for the pods it changed.\n' +
          'Traffic moves only to ready pods, and rollback works from any stage.',
      )
      .version(packageVersion())
      // Help, version and usage errors are printed through deps too; subcommands inherit this.
      .configureOutput({ writeOut: (text) => deps.stdout.write(text), writeErr: (text) => deps.stderr.write(text) })
      .showHelpAfterError('(run with --help for usage)')
      .addHelpText(
        'after',
        '\nExit codes: 0 done, 1 stage failed, 2 bad input, 3 cluster or helm unreachable,\n' +
          '            4 blocked (lock held, drift, wrong stage), 5 rolled back,\n' +
          '            6 timed out waiting (status --wait-for),\n' +
          '            70 internal error (a bug), 130 interrupted (SIGINT), 143 terminated (SIGTERM).\n',
      )
      .exitOverride()
  );
}

// In the order `--help` lists them.
const VERBS = [registerPlan, registerLint, registerSchema, registerDeploy, registerStart, registerPromote, registerRollback, registerRun, registerDetach, registerStatus, registerHistory, registerPipeline, registerRbac, registerCompletion, registerVersion];

/**
 * runCli runs one command line (`argv` as process.argv gives it: node, script, then arguments)
 * and returns its exit code; it never calls process.exit.
 */
export async function runCli(argv: string[], deps: CliDeps): Promise<number> {
  const program = createProgram(deps);
  for (const register of VERBS) register(program, deps);
  registerPostRender(program, deps); // hidden: helm runs it as the overlay post-renderer
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    // --help, --version and usage errors end through here too (CommanderError).
    return reportError(err, jsonOutputRequested(program), deps.env, deps);
  }
}
