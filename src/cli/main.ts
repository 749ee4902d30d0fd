#!/usr/bin/env node
// helm-canary: the command-line entry. Runs the CLI (run-cli.ts) with this process's streams,
// environment, cluster wiring and terminal, and ends with the exit code of its work.
import nodeModule from 'node:module';
import { isCi } from '../ci/detect.js';
import type { CliDeps } from './cli-deps.js';
import { nodeMeetsEngines, packageManifest } from '../config/package-root.js';
import { UnreachableError } from './errors.js';
import { endQuietlyOnClosedOutput } from './report-error.js';
import { runCli } from './run-cli.js';

// Node 22.1+ keeps compiled code between runs; the lazily loaded chunks (the Kubernetes client
// above all) are most of a cluster command's start. A no-op on Node 20, which lacks it.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
// `helm-canary --help | head -1`: a reader that has gone away is no crash.
endQuietlyOnClosedOutput();

// The Kubernetes client's HTTP library (undici 8) does not even load on a Node older than
// package.json's engines: say so, instead of failing as "a bug" (commands needing no cluster run).
async function clusterWiring(): Promise<typeof import('./cluster-context.js')> {
  const range = packageManifest().engines?.node;
  if (!nodeMeetsEngines(process.version, range)) {
    throw new UnreachableError(`helm-canary needs Node ${range} to reach a cluster; this is Node ${process.version}`, [
      'install Node 24, or Node 22.19 or newer (`helm-canary version` shows the Node that runs it)',
    ]);
  }
  return import('./cluster-context.js');
}

/** processDeps are the real ones; the cluster wiring (and the Kubernetes client) load only when a command connects. */
function processDeps(): CliDeps {
  // `run` asks a person only with a terminal on both ends and no CI around it.
  const terminal = Boolean(process.stdin.isTTY && process.stdout.isTTY) && !isCi(process.env);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    now: Date.now,
    // buildClusterContext makes its own reporter, the same one (process.stderr, process.env, Date.now).
    connect: async (flags, use, reporter) => (await clusterWiring()).buildClusterContext(flags, use, reporter),
    connectNamespace: async (flags) => (await clusterWiring()).buildReadContext(flags),
    askPerson: terminal ? async () => (await import('./commands/gate/inquirer-approver.js')).inquirerApprover : undefined,
  };
}

process.exitCode = await runCli(process.argv, processDeps());
