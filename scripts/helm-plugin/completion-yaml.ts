// Writes the helm plugin's static completion file (completion.yaml at the plugin's root) from the
// CLI's own `__complete` answers (run in-process, one quick pass), so the file lists exactly the commands and flags the CLI
// has. helm 3 and 4 read it for `helm __complete canary ...` before (and besides) calling the
// dynamic plugin.complete: it is what completes when node is missing, and it tells helm which
// words are sub-commands, so plugin.complete is asked about each command's own words.
//
//   node --import tsx scripts/helm-plugin/completion-yaml.ts [--write]   (prints it, or writes it)
//
// helm's format: {name, flags: [names without dashes], validArgs: [...], commands: [same, nested]};
// this file uses name, flags and commands.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, isScalar, isSeq, visit } from 'yaml';
import type { CliDeps } from '../../src/cli/cli-deps.js';
import { runCli } from '../../src/cli/run-cli.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** COMPLETION_YAML is where helm looks for the static completion file: the plugin's root. */
export const COMPLETION_YAML = join(root, 'completion.yaml');

/** PluginCommand is one entry of helm's completion.yaml. */
export interface PluginCommand {
  name: string;
  flags?: string[];
  commands?: PluginCommand[];
}

const HEADER =
  '# Static completion of `helm canary` for helm 3 and 4 (its commands), written from the\n' +
  '# CLI by scripts/helm-plugin/completion-yaml.ts: do not edit by hand, run that with --write.\n' +
  '# A command without sub-commands completes its flags and values through plugin.complete.\n';

// The CLI's answer to one command line, run in-process with no cluster and no environment.
async function answer(args: string[]): Promise<string> {
  let out = '';
  const refuse = () => Promise.reject(new Error('completion-yaml needs no cluster'));
  const deps: CliDeps = {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: () => true },
    env: {},
    now: () => 0,
    connect: refuse,
    connectNamespace: refuse,
    askPerson: undefined,
  };
  await runCli(['node', 'helm-canary', ...args], deps);
  return out;
}

const complete = async (words: string[]) => (await answer(['__complete', ...words])).split('\n').filter(Boolean);
// A word is a sub-command when `<path> <word> --help` shows that command's own usage line.
const isSubcommand = async (path: string[]) => (await answer([...path, '--help'])).startsWith(`Usage: helm-canary ${path.join(' ')} `);

function flagNames(candidates: string[]): string[] {
  return candidates.filter((c) => c.startsWith('--') && c !== '--help').map((c) => c.slice(2));
}

/**
 * describeCommands asks the CLI for its command tree, as helm's completion.yaml states it: every
 * command, and the flags of the commands that have sub-commands. A leaf command lists nothing
 * more, because helm then asks plugin.complete about its words, and what both listed would be
 * offered twice.
 */
export async function describeCommands(): Promise<PluginCommand> {
  const describe = async (path: string[]): Promise<PluginCommand> => {
    const entry: PluginCommand = { name: path.at(-1) ?? 'canary' };
    const words = await complete([...path, '']);
    // At the top every word is a command (commander's `help` among them).
    const subcommands: string[] = [];
    for (const word of words) if (path.length === 0 || (await isSubcommand([...path, word]))) subcommands.push(word);
    if (!subcommands.length) return entry;
    const flags = flagNames(await complete([...path, '-']));
    if (flags.length) entry.flags = flags;
    entry.commands = [];
    for (const name of subcommands) entry.commands.push(await describe([...path, name]));
    return entry;
  };
  return describe([]);
}

/** completionYaml is the text of completion.yaml for the CLI of this checkout. */
export async function completionYaml(): Promise<string> {
  const tree = await describeCommands();
  if (!tree.commands || tree.commands.length < 2) throw new Error("helm-canary __complete '' answered no commands");
  const doc = new Document(tree);
  // Lists of names on one line each: the file stays short enough to read.
  visit(doc, { Seq: (_, node) => void (isSeq(node) && node.items.every(isScalar) && (node.flow = true)) });
  return HEADER + doc.toString({ lineWidth: 0 });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = await completionYaml();
  if (process.argv.includes('--write')) {
    writeFileSync(COMPLETION_YAML, text);
    process.stdout.write(`wrote ${COMPLETION_YAML}\n`);
  } else {
    process.stdout.write(text);
    if (readFileSync(COMPLETION_YAML, 'utf8') !== text) process.stderr.write('completion.yaml differs: run with --write\n');
  }
}
