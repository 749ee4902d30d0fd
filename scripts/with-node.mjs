#!/usr/bin/env node
// Runs a command with a supported Node first on PATH: `node scripts/with-node.mjs <command> [args...]`.
// The project supports Node 22 and 24 (package.json engines); machines may have only an older
// system Node, so both come from npm as devDependencies (node22, node24: the `node` package).
// HELM_CANARY_NODE picks one: 24 (the default), 22, or the path of a node binary. The choice is
// made here, explicitly: npm also links one of the two as node_modules/.bin/node, and which one
// wins that link is an accident of install order. The command and everything it spawns
// (`node dist/bin/...`, tsx, helm plugins that call `node`) find the chosen node on PATH.
// Plain JavaScript on purpose: it runs on whatever Node launched it, Node 20 included.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LINES = ['22', '24'];

/** chosenNode is the node binary HELM_CANARY_NODE names, or node24 from node_modules. */
export function chosenNode(env = process.env) {
  const want = env.HELM_CANARY_NODE || '24';
  if (LINES.includes(want)) {
    const node = join(root, 'node_modules', `node${want}`, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
    if (!existsSync(node)) throw new Error(`with-node: ${node} is missing: run \`npm ci\` (Node ${want} comes from the devDependency node${want})`);
    return node;
  }
  if (existsSync(want)) return resolve(want);
  throw new Error(`with-node: HELM_CANARY_NODE=${want}: give ${LINES.join(' or ')}, or the path of a node binary`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    process.stderr.write('usage: node scripts/with-node.mjs <command> [args...]\n');
    process.exit(2);
  }
  let node;
  try {
    node = chosenNode();
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  const PATH = [dirname(node), process.env.PATH ?? ''].join(delimiter);
  // `node` as the command means this node, whatever else PATH holds.
  const child = spawn(command === 'node' ? node : command, args, { stdio: 'inherit', env: { ...process.env, PATH } });
  // Ctrl-C reaches the child from the terminal itself (same process group): not sent twice.
  // SIGTERM (npm or CI stopping the script) comes to this process alone: passed on.
  const ignoreInterrupt = () => {};
  const passTerminate = () => child.kill('SIGTERM');
  process.on('SIGINT', ignoreInterrupt);
  process.on('SIGTERM', passTerminate);
  child.on('error', (err) => {
    process.stderr.write(`with-node: ${command}: ${err.message}\n`);
    process.exit(127);
  });
  child.on('exit', (code, signal) => {
    process.off('SIGINT', ignoreInterrupt);
    process.off('SIGTERM', passTerminate);
    // Ended by a signal: end the same way, so npm and shells report what happened.
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
