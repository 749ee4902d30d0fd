// What `helm-canary __complete <words...>` answers: the candidates for the last word of a command
// line, read from commander's own metadata (command names, each command's options and their
// choices), so a new verb or flag completes without a hand-kept list. Values commander cannot know
// (plan names, stage numbers) come from `values`, passed in so tests need no files.
import type { Command, Option } from 'commander';

/** ValueSources give the candidates commander's metadata cannot: plan names, and a plan's stage numbers. */
export interface ValueSources {
  /** plans lists the built-in plan names (stages/*.yaml). */
  plans(): string[];
  /** stageCount is how many stages the plan named by `--plan`/`--steps`/the config file has, undefined when unknown. */
  stageCount(words: string[]): number | undefined;
}

function visibleCommands(cmd: Command): Command[] {
  // commander marks `.command(name, { hidden: true })` in a private field; its Help class reads it the same way.
  return cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
}

function findCommand(cmd: Command, name: string): Command | undefined {
  return cmd.commands.find((c) => c.name() === name || c.aliases().includes(name));
}

function optionsOf(cmd: Command): Option[] {
  const own = cmd.options.filter((o) => !o.hidden);
  // commander adds -h/--help itself; it is not in `options`.
  return [...own, { long: '--help', short: '-h', required: false, optional: false, negate: false } as Option];
}

function optionFor(cmd: Command, word: string): Option | undefined {
  return optionsOf(cmd).find((o) => o.long === word || o.short === word);
}

function takesValue(o: Option): boolean {
  return o.required || o.optional;
}

// The values one option takes, where they are known.
function optionValues(o: Option, words: string[], values: ValueSources): string[] {
  if (o.argChoices) return [...o.argChoices];
  if (o.long === '--plan') return values.plans();
  if (o.long === '--to') {
    const count = values.stageCount(words);
    return count === undefined ? [] : Array.from({ length: count - 1 }, (_, i) => String(i + 2));
  }
  return [];
}

/**
 * completeWords returns the candidates for the last of `words` (the arguments after the program
 * name; the last is the one being completed, possibly empty), each starting with that word.
 * An empty answer lets the shell fall back to file names (for --file, --values, --chart...).
 */
export function completeWords(program: Command, words: string[], values: ValueSources): string[] {
  const typed = words.length ? words.slice(0, -1) : [];
  const current = words.at(-1) ?? '';
  // Walk down the command tree: pipeline github, help promote...
  let cmd = program;
  let expectValue: Option | undefined;
  const operands: string[] = [];
  for (const word of typed) {
    if (expectValue) {
      expectValue = undefined;
      continue;
    }
    if (word.startsWith('-')) {
      const o = optionFor(cmd, word.split('=')[0]!);
      if (o && takesValue(o) && !word.includes('=')) expectValue = o;
      continue;
    }
    const sub = operands.length === 0 ? findCommand(cmd, word) : undefined;
    if (sub) cmd = sub;
    else operands.push(word);
  }
  const startsWith = (list: string[]) => [...new Set(list)].filter((c) => c.startsWith(current));
  if (expectValue) return startsWith(optionValues(expectValue, typed, values));
  if (current.startsWith('-')) {
    const eq = current.indexOf('=');
    if (eq > 0) {
      // --output=js: the option's values behind its name.
      const o = optionFor(cmd, current.slice(0, eq));
      return o && takesValue(o) ? startsWith(optionValues(o, typed, values).map((v) => `${current.slice(0, eq)}=${v}`)) : [];
    }
    const given = new Set(typed);
    const flags = optionsOf(cmd).flatMap((o) => (o.long ? [o.long] : o.short ? [o.short] : []));
    // A flag already given is not offered again, unless it may repeat (--values a.yaml b.yaml).
    return startsWith(flags.filter((f) => !given.has(f) || optionFor(cmd, f)?.variadic));
  }
  const subcommands = visibleCommands(cmd);
  if (subcommands.length && operands.length === 0) {
    const names = subcommands.map((c) => c.name());
    // commander's implicit `help [command]` at the top.
    return startsWith(cmd === program ? [...names, 'help'] : names);
  }
  if (cmd.name() === 'help' || (cmd === program && operands[0] === 'help')) return startsWith(visibleCommands(program).map((c) => c.name()));
  // A command's own arguments, when they have choices (completion bash|zsh|fish).
  const argument = cmd.registeredArguments[operands.length];
  return argument?.argChoices ? startsWith(argument.argChoices) : [];
}
