// `npm test` preloads this module (node --import) so that any Node process warning fails the run:
// DeprecationWarning, ExperimentalWarning, MaxListenersExceededWarning, and unhandled rejections
// that crash a process. A warning a user would see from the CLI is a defect, and so is one a test
// process prints and nobody reads.
//
// It covers every process of the run, not only the test files: the first process to load it
// creates a log file and puts itself into NODE_OPTIONS, so every Node process it spawns (the CLI
// bundle, helm plugins, workflow steps) loads it too and appends its warnings to that log. That
// first process is each test file (Node 20's `--test` runner does not run --import preloads itself,
// it passes them to the files it runs), so a warning fails the file it came from. A spawned CLI's
// exit code and output belong to the test that asserts on them, so children only write to the log;
// the owner reads it when it exits, prints it, and exits non-zero.
// Plain JavaScript, so that children that run without tsx can load it.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** LOG_VARIABLE names the environment variable that holds the run's warnings log. */
const LOG_VARIABLE = 'HELM_CANARY_TEST_WARNINGS_LOG';

if (!process.env[LOG_VARIABLE]) ownTheRun();
const log = process.env[LOG_VARIABLE];

process.on('warning', (warning) => record(`${warning.name}: ${warning.message}`));
// A monitor observes without changing what happens: the process still crashes as it would.
process.on('uncaughtExceptionMonitor', (error, origin) => {
  if (origin === 'unhandledRejection') record(`unhandled rejection: ${error?.stack ?? error}`);
});

function record(what) {
  const who = `pid ${process.pid}: node ${process.argv.slice(1).join(' ')}`;
  appendFileSync(log, `${who}\n  ${what.split('\n').join('\n  ')}\n`);
}

// The runner's part: a log for the run, NODE_OPTIONS for its descendants, the verdict at exit.
function ownTheRun() {
  const dir = mkdtempSync(join(tmpdir(), 'hc-test-warnings-'));
  const file = join(dir, 'warnings.log');
  writeFileSync(file, '');
  process.env[LOG_VARIABLE] = file;
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} "--import=${import.meta.url}"`.trim();
  process.on('exit', () => {
    const warnings = readFileSync(file, 'utf8');
    rmSync(dir, { recursive: true, force: true });
    if (!warnings) return;
    process.stderr.write(`\nNode warnings during the test run (each fails the run):\n${warnings}`);
    process.exitCode = 1;
  });
}
