// Figure 5: what installing the package costs. A global install of the packed tarball (offline,
// empty npm cache, as test/package does) against the same install of a one-file package, and a
// cold `npx` (fresh npm cache, so npx unpacks the tarball first) against the one-file package's;
// then the installed CLI's cold start against `node -e 0`. Each pair is measured back to back.
import { execa } from 'execa';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installGlobal, npmEnv, onePackage, pack } from '../test/package/installed-package.js';
import { summarize, timed, type Pair } from './stats.js';

/** InstallCost is the figure's result. */
export interface InstallCost {
  tarballBytes: number;
  unpackedBytes: number;
  installedBytes: number;
  install: ReturnType<typeof summarize>;
  npx: ReturnType<typeof summarize>;
  installedStart: ReturnType<typeof summarize>;
}

/** installCost packs the checkout (dist/ must be built) and measures `runs` rounds after one warm-up round. */
export async function installCost(runs: number): Promise<InstallCost> {
  const work = mkdtempSync(join(tmpdir(), 'hc-bench-install-'));
  try {
    const tool = await pack(work);
    const one = await pack(work, onePackage(join(work, 'one-file')));
    const empty = mkdtempSync(join(work, 'cwd-'));
    const install: Pair[] = [];
    const npx: Pair[] = [];
    const start: Pair[] = [];
    let installedBytes = 0;
    for (let i = -1; i < runs; i++) {
      const prefix = (name: string) => mkdtempSync(join(work, `${name}-`));
      const base = await timed(() => installGlobal(one.tarball, prefix('one')));
      const toolPrefix = prefix('tool');
      let bin = '';
      const t = await timed(async () => {
        const installed = await installGlobal(tool.tarball, toolPrefix);
        bin = installed.bin;
        installedBytes = sizeOf(installed.packageDir);
      });
      const npxBase = await timed(() => coldNpx(one.tarball, 'one-file', [], prefix('npx-one'), empty));
      const npxTool = await timed(() => coldNpx(tool.tarball, 'helm-canary', ['version'], prefix('npx-tool'), empty));
      const nodeBase = await timed(() => execa(process.execPath, ['-e', '0'], { cwd: empty, stdin: 'ignore' }));
      const nodeTool = await timed(() => execa(process.execPath, [bin, 'version'], { cwd: empty, stdin: 'ignore' }));
      if (i < 0) continue;
      install.push({ tool: t, base });
      npx.push({ tool: npxTool, base: npxBase });
      start.push({ tool: nodeTool, base: nodeBase });
    }
    return { tarballBytes: tool.size, unpackedBytes: tool.unpackedSize, installedBytes, install: summarize(install), npx: summarize(npx), installedStart: summarize(start) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// `npx --package <tarball> <bin>` with an npm cache of its own: nothing of an earlier run is reused.
function coldNpx(tarball: string, bin: string, args: string[], cache: string, cwd: string) {
  return execa('npm', ['exec', '--yes', '--offline', '--cache', cache, '--package', tarball, '--', bin, ...args], {
    cwd, stdin: 'ignore', env: npmEnv(), extendEnv: false,
  });
}

function sizeOf(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  return total;
}
