// Shell completion: the candidates `helm-canary __complete <words...>` prints (the contract the
// scripts and the helm plugin call), and each shell's script completing in that shell itself,
// over the built CLI (a `helm-canary` on PATH that runs dist/bin/helm-canary.mjs).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { cliPath, runCli } from '../helpers/run-cli.js';

let dir: string;
let env: NodeJS.ProcessEnv;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'hc-completion-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'helm-canary'), `#!/bin/sh\nexec "${process.execPath}" "${cliPath}" "$@"\n`);
  chmodSync(join(bin, 'helm-canary'), 0o755);
  env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH}`, HOME: dir };
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function candidates(...words: string[]): Promise<string[]> {
  const r = await runCli(['__complete', ...words], { cwd: dir });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.equal(r.stderr, '');
  return r.stdout.split('\n').filter(Boolean);
}

async function installed(shell: string): Promise<boolean> {
  return (await execa('sh', ['-c', `command -v ${shell}`], { reject: false })).exitCode === 0;
}

describe('helm-canary __complete', () => {
  it('completes command names from a prefix, and lists every visible one (not __complete) for an empty word', async () => {
    assert.deepEqual(await candidates('pro'), ['promote']);
    const all = await candidates('');
    for (const verb of ['plan', 'deploy', 'start', 'promote', 'rollback', 'run', 'status', 'completion', 'help']) assert.ok(all.includes(verb), verb);
    assert.ok(!all.includes('__complete'));
  });

  it("completes a command's flags, without ones already given", async () => {
    assert.deepEqual(await candidates('promote', '--dry'), ['--dry-run']);
    const flags = await candidates('status', '--output', 'json', '--');
    assert.ok(flags.includes('--namespace') && flags.includes('--kubeconfig'));
    assert.ok(!flags.includes('--output'));
    assert.ok(!flags.includes('--dry-run'), 'status takes no --dry-run');
  });

  it('completes values: --output formats, --plan names, --to stage numbers of the plan, completion shells, subcommands', async () => {
    assert.deepEqual(await candidates('status', '--output', ''), ['text', 'json', 'yaml']);
    assert.deepEqual(await candidates('status', '-o', 'y'), ['yaml']);
    assert.deepEqual(await candidates('promote', '--output=j'), ['--output=json']);
    assert.deepEqual(await candidates('start', '--plan', ''), ['gradual', 'seven-stage']);
    assert.deepEqual(await candidates('promote', '--to', ''), ['2', '3', '4', '5', '6', '7']);
    assert.deepEqual(await candidates('promote', '--steps', '5,50,100', '--to', ''), ['2', '3', '4', '5', '6', '7']);
    assert.deepEqual(await candidates('promote', '--steps', '5,25,50,100', '--to', ''), ['2', '3', '4', '5', '6', '7', '8']);
    assert.deepEqual(await candidates('completion', ''), ['bash', 'zsh', 'fish']);
    assert.deepEqual(await candidates('pipeline', ''), ['github', 'azure']);
    assert.deepEqual(await candidates('help', 'ro'), ['rollback']);
  });

  it('takes the words after a `--` too (what the scripts send), so -V or --version among them is a word, not the flag', async () => {
    assert.deepEqual(await candidates('--', 'pro'), ['promote']);
    assert.deepEqual(await candidates('--', '--vers'), ['--version']);
    assert.deepEqual(await candidates('--', 'status', '-V'), []);
  });

  it("prints nothing for a file argument, so the shell completes file names", async () => {
    assert.deepEqual(await candidates('status', '--file', ''), []);
  });
});

describe('helm-canary completion', () => {
  it('refuses a shell it does not know, naming the ones it does (exit 2)', async () => {
    const r = await runCli(['completion', 'tcsh']);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /bash, zsh, fish/);
  });

  it('bash: the script registers a completion function that completes `helm-canary pro` to promote, and --output values', async () => {
    const script = [
      'source <(helm-canary completion bash)',
      'complete -p helm-canary',
      'COMP_WORDS=(helm-canary pro); COMP_CWORD=1; _helm_canary; echo "reply: ${COMPREPLY[*]}"',
      'COMP_WORDS=(helm-canary status -o ""); COMP_CWORD=3; _helm_canary; echo "reply: ${COMPREPLY[*]}"',
    ].join('\n');
    const r = await execa('bash', ['--norc', '--noprofile', '-c', script], { env, cwd: dir });
    assert.deepEqual(r.stdout.split('\n'), ['complete -o default -o nosort -F _helm_canary helm-canary', 'reply: promote', 'reply: text json yaml']);
  });

  it('zsh: the script registers _helm_canary with compinit and hands the candidates to compadd (files when none)', async (t) => {
    if (!(await installed('zsh'))) return t.skip('zsh is not installed');
    // compadd and _files only work inside a completion widget: stand-ins print what they were given.
    const script = [
      'autoload -U compinit; compinit -u -D',
      'source <(helm-canary completion zsh)',
      'print -r -- "registered: ${_comps[helm-canary]}"',
      'compadd() { print -r -- "compadd $*"; }',
      '_files() { print -r -- "files"; }',
      'words=(helm-canary pro); CURRENT=2; _helm_canary',
      'words=(helm-canary promote --output ""); CURRENT=4; _helm_canary',
      'words=(helm-canary status --file ""); CURRENT=4; _helm_canary',
    ].join('\n');
    const r = await execa('zsh', ['-f', '-c', script], { env, cwd: dir });
    assert.deepEqual(r.stdout.split('\n'), ['registered: _helm_canary', 'compadd -Q -- promote', 'compadd -Q -- text json yaml', 'files']);
  });

  it('zsh, interactive: typing `helm-canary pro` and TAB in a zsh on a pseudo-terminal (zpty) completes the line to promote', async (t) => {
    if (!(await installed('zsh'))) return t.skip('zsh is not installed');
    // After the TAB, Ctrl-A and `echo COMPLETED: ` print the completed line instead of running it.
    // No sleeps: each `zpty -r` blocks until its pattern shows (the prompt, then the echoed line),
    // and zle reads the keys after TAB only once the completion widget has finished.
    const script = [
      'zmodload zsh/zpty',
      "zpty -b z 'zsh -f -i'",
      // bindkey -e: zsh picks the vi keymap when EDITOR or VISUAL says vi (npm sets EDITOR=vi),
      // and Ctrl-A is beginning-of-line only in emacs's.
      `zpty -w z 'PS1="READY%% "; bindkey -e; autoload -U compinit; compinit -u -D; source <(helm-canary completion zsh)'`,
      `zpty -r z out '*READY% *' || exit 11`,
      `zpty -n -w z "helm-canary $1"$'\t'$'\x01echo COMPLETED: \n'`,
      `zpty -r z out $'*\nCOMPLETED: *\n*' || exit 12`,
      `print -r -- "$out" | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' | grep -a '^COMPLETED:'`,
      'zpty -d z',
    ].join('\n');
    const r = await execa('zsh', ['-f', '-c', script, 'zsh', 'pro'], { env, cwd: dir, reject: false, timeout: 120_000 });
    assert.equal(r.stdout.trim(), 'COMPLETED: helm-canary promote', r.stderr);
  });

  it("fish: fish's own completer (complete -C) completes commands, --output values and file names", async (t) => {
    if (!(await installed('fish'))) return t.skip('fish is not installed');
    writeFileSync(join(dir, 'canary.yaml'), 'release: web\n');
    const script = [
      'helm-canary completion fish | source',
      'complete -C "helm-canary pro"',
      'echo ---',
      'complete -C "helm-canary status --output "',
      'echo ---',
      'complete -C "helm-canary status --file can"',
    ].join('\n');
    const r = await execa('fish', ['--no-config', '-c', script], { env, cwd: dir });
    assert.deepEqual(r.stdout.split('\n'), ['promote', '---', 'json', 'text', 'yaml', '---', 'canary.yaml']);
  });
});
