#!/usr/bin/env node
// helm-canary: the command-line entry. It creates the program, registers each verb (one file per
// verb in commands/, each importing its work only when it runs, so `--help` and `plan` never load
// the Kubernetes client), and maps whatever ends a command to its exit code.
import { Command } from 'commander';
import nodeModule from 'node:module';
import { endQuietlyOnClosedOutput, jsonOutputRequested, reportError } from './report-error.js';
import { packageVersion } from '../config/package-root.js';
import { registerPlan } from './commands/plan.js';
import { registerLint } from './commands/lint.js';
import { registerSchema } from './commands/schema.js';
import { registerDeploy } from './commands/deploy.js';
import { registerStart } from './commands/start.js';
import { registerPromote } from './commands/promote.js';
import { registerRollback } from './commands/rollback.js';
import { registerRun } from './commands/run.js';
import { registerStatus } from './commands/status.js';
import { registerPipeline } from './commands/pipeline.js';

// Node 22.1+ keeps compiled code between runs; the lazily loaded chunks (the Kubernetes client
// above all) are most of a cluster command's start. A no-op on Node 20, which lacks it.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
// `helm-canary --help | head -1`: a reader that has gone away is no crash.
endQuietlyOnClosedOutput();

function createProgram(): Command {
  return new Command()
    .name('helm-canary')
    .description(
      'Istio-style canary releases of Helm charts, with a person judging each stage.\n' +
        'Each stage is a helm upgrade --install --wait of your chart with generated values.\n' +
        'Traffic moves only to ready pods, and rollback works from any stage.',
    )
    .version(packageVersion())
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 done, 1 stage failed, 2 bad input, 3 cluster or helm unreachable,\n' +
        '            4 blocked (lock held, drift, wrong stage), 5 rolled back,\n' +
        '            70 internal error (a bug), 130 interrupted (SIGINT), 143 terminated (SIGTERM).\n',
    )
    .exitOverride();
}

// In the order `--help` lists them.
const VERBS = [registerPlan, registerLint, registerSchema, registerDeploy, registerStart, registerPromote, registerRollback, registerRun, registerStatus, registerPipeline];

async function main(argv: string[]): Promise<number> {
  const program = createProgram();
  for (const register of VERBS) register(program);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    // --help, --version and usage errors end through here too (CommanderError).
    return reportError(err, jsonOutputRequested(program));
  }
}

process.exitCode = await main(process.argv);
