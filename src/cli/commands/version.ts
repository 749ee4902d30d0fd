// `helm-canary version`: the tool's version and the Node running it, for bug reports and scripts.
// Reads only package.json and the process: nothing here needs helm or a cluster. `--version`
// (commander's) stays for people used to it and prints the version alone.
import { Option, type Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { nodeMeetsEngines, packageManifest } from '../../config/package-root.js';

/** VersionInfo is what `version -o json` prints. */
export interface VersionInfo {
  version: string;
  node: string;
  /** The Node lines package.json's `engines` supports, e.g. ">=22.19". */
  nodeSupported: string;
  /** Whether the running Node is one of them: an older one runs the commands that need no cluster, untested, and refuses the rest. */
  nodeInSupportedRange: boolean;
  platform: string;
  arch: string;
}

/** versionInfo collects the version, the running Node and whether `engines` covers it. */
export function versionInfo(nodeVersion = process.version): VersionInfo {
  const manifest = packageManifest();
  const range = manifest.engines?.node ?? '';
  return { version: manifest.version, node: nodeVersion, nodeSupported: range, nodeInSupportedRange: nodeMeetsEngines(nodeVersion, range), platform: process.platform, arch: process.arch };
}

/** versionAction prints the version as text or JSON. */
export async function versionAction(opts: { output: 'text' | 'json' | 'yaml' }, deps: CliDeps): Promise<void> {
  const info = versionInfo();
  if (opts.output === 'json') {
    deps.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
    return;
  }
  if (opts.output === 'yaml') {
    deps.stdout.write((await import('yaml')).stringify(info));
    return;
  }
  const support = info.nodeInSupportedRange ? 'supported' : `not supported: helm-canary needs Node ${info.nodeSupported}`;
  deps.stdout.write(`helm-canary ${info.version}\nnode ${info.node} (${support})\nplatform ${info.platform}/${info.arch}\n`);
}

/** registerVersion adds `version` to the program. */
export function registerVersion(program: Command, deps: CliDeps): void {
  program
    .command('version')
    .description('print the version of helm-canary and of the Node running it (no cluster needed)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'yaml']).default('text'))
    .action((opts: { output: 'text' | 'json' | 'yaml' }) => versionAction(opts, deps));
}
