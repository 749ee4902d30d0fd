// The helm flags and environment that make one helm run pass its rendered manifest through
// helm-canary's overlay (`helm-canary __post-render <values file>`), for helm 3 and helm 4:
// - Helm 3 (3.8+) runs an executable given by path. A small launcher script written into the
//   caller's work directory runs this Node, this bundle, `__post-render` and the values file:
//   nothing rides on --post-renderer-args, which helm 3.8 lacks.
// - Helm 4 runs only a postrenderer/v1 plugin, found by name in HELM_PLUGINS. helm-canary ships
//   one (plugins/helm-canary-overlay). The Node, the bundle and the values file go as
//   --post-renderer-args. This run's HELM_PLUGINS is ONE directory, made in the work directory,
//   of links to the shipped plugin and to every plugin of the user's: helm 4 (4.1 to 4.2 at least)
//   splits HELM_PLUGINS into a list when it looks up a post-renderer but not when it looks up a
//   getter plugin, so a list ("ours:theirs") would lose the user's getters (s3://, gs://, ...
//   charts: `scheme "s3" not supported`). The user's plugins are found there under the same names,
//   the first directory of theirs winning as it does for helm, and ours before any of theirs.
// Helm 4 drops a plugin's stderr (it says only `plugin "..." exited with error`), so the
// post-renderer also writes its error to a file named by POST_RENDER_ERROR_FILE_ENV, which the
// caller reads back when helm fails (readPostRenderFailure).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { basename, delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { packageRoot } from '../config/package-root.js';

/** POST_RENDER_COMMAND is the hidden CLI command helm runs as the post-renderer. */
export const POST_RENDER_COMMAND = '__post-render';
/** OVERLAY_PLUGIN is the name of the shipped Helm 4 postrenderer/v1 plugin (plugins/<name>/plugin.yaml). */
export const OVERLAY_PLUGIN = 'helm-canary-overlay';
/** POST_RENDER_ERROR_FILE_ENV names the file the post-renderer writes its error to, besides stderr. */
export const POST_RENDER_ERROR_FILE_ENV = 'HELM_CANARY_POST_RENDER_ERROR_FILE';

/** PostRendererUnavailableError: this installation cannot run the post-renderer (no bundle, no plugin). */
export class PostRendererUnavailableError extends Error {
  override name = 'PostRendererUnavailableError';
  constructor(message: string, readonly hints: string[] = []) {
    super(message);
  }
}

/** PostRendererOptions say which helm runs and where the stage's values file is. */
export interface PostRendererOptions {
  /** helmMajor is the major version of the helm that will run (HelmRunner.version()). */
  helmMajor: 3 | 4;
  /** valuesFile is the generated values file holding the `helmCanary` key (made absolute here). */
  valuesFile: string;
  /** workDir is a directory of the caller's, removed by the caller after the helm run: helm 3's launcher, helm 4's plugin links and the error file go there. */
  workDir: string;
  /** env is the environment helm will run in (the process's with the runner's additions): the plugins of its HELM_PLUGINS stay found. */
  env: NodeJS.ProcessEnv;
  /** helmBinary is asked `helm env HELM_PLUGINS` when env has no HELM_PLUGINS (helm 4 only). Default "helm". */
  helmBinary?: string;
  /** nodePath is the Node that runs the post-renderer. Default: the running one (process.execPath). */
  nodePath?: string;
  /** bundlePath is helm-canary's CLI bundle. Default: dist/bin/helm-canary.mjs under the package root. */
  bundlePath?: string;
  /** platform decides the launcher's language (sh or cmd). Default: process.platform. */
  platform?: NodeJS.Platform;
}

/** PostRendererInvocation is what to add to one helm upgrade or template run. */
export interface PostRendererInvocation {
  /** args are the flags to append to helm's argv. */
  args: string[];
  /** env is to merge over the environment helm runs in (HelmRunOptions.env, UpgradeOptions.env). */
  env: Record<string, string>;
  /** errorFile is where the post-renderer writes its error: read it with readPostRenderFailure when helm fails. */
  errorFile: string;
}

/** bundleFile is helm-canary's CLI bundle in this installation. */
export function bundleFile(): string {
  return join(packageRoot, 'dist', 'bin', 'helm-canary.mjs');
}

/** pluginsDir is the directory holding the shipped Helm 4 plugin. */
export function pluginsDir(): string {
  return join(packageRoot, 'plugins');
}

/** postRendererInvocation gives the helm flags and environment that run the overlay post-renderer on `valuesFile`. */
export async function postRendererInvocation(opts: PostRendererOptions): Promise<PostRendererInvocation> {
  const node = opts.nodePath ?? process.execPath;
  const bundle = resolve(opts.bundlePath ?? bundleFile());
  const valuesFile = resolve(opts.valuesFile);
  const platform = opts.platform ?? process.platform;
  if (!existsSync(bundle)) {
    throw new PostRendererUnavailableError(`helm-canary's CLI bundle ${bundle} does not exist; helm runs it as the overlay post-renderer`, [
      'in a checkout of helm-canary, build it: node scripts/bundle.mjs (npm run build)',
      'an installed package has it: reinstall helm-canary',
    ]);
  }
  const errorFile = join(opts.workDir, 'post-render-error.txt');
  await rm(errorFile, { force: true });
  const env: Record<string, string> = { [POST_RENDER_ERROR_FILE_ENV]: errorFile };
  if (opts.helmMajor === 3) {
    const launcher = await writeLauncher(opts.workDir, platform, [node, bundle, POST_RENDER_COMMAND, valuesFile]);
    return { args: ['--post-renderer', launcher], env, errorFile };
  }
  const plugins = pluginsDir();
  if (!existsSync(join(plugins, OVERLAY_PLUGIN, 'plugin.yaml'))) {
    throw new PostRendererUnavailableError(`helm-canary's Helm 4 plugin ${join(plugins, OVERLAY_PLUGIN)} is missing`, ['reinstall helm-canary']);
  }
  const userPlugins = opts.env.HELM_PLUGINS || (await askHelmPlugins(opts.helmBinary ?? 'helm', opts.env));
  env.HELM_PLUGINS = await linkPluginsDir(join(opts.workDir, 'helm-plugins'), [plugins, ...userPlugins.split(delimiter).filter(Boolean)], platform);
  // `--flag=value`: a value starting with "-" is still the flag's value.
  const args = ['--post-renderer', OVERLAY_PLUGIN, ...[node, bundle, valuesFile].map((arg) => `--post-renderer-args=${arg}`)];
  return { args, env, errorFile };
}

/** readPostRenderFailure returns what the post-renderer reported when it failed in the run of `invocation`, if anything. */
export async function readPostRenderFailure(invocation: Pick<PostRendererInvocation, 'errorFile'>): Promise<string | undefined> {
  try {
    const text = (await readFile(invocation.errorFile, 'utf8')).trim();
    return text || undefined;
  } catch {
    return undefined;
  }
}

// Where helm 4 keeps the user's plugins when HELM_PLUGINS is not set (its data home, which
// HELM_DATA_HOME, XDG_DATA_HOME and the OS move): helm says it best.
async function askHelmPlugins(helmBinary: string, env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(helmBinary, ['env', 'HELM_PLUGINS'], { env: { ...process.env, ...env }, timeout: 30_000 });
    return stdout.trim();
  } catch (error) {
    throw new PostRendererUnavailableError(`could not ask ${helmBinary} where its plugins are (helm env HELM_PLUGINS): ${(error as Error).message}`, [
      'set HELM_PLUGINS to your helm plugins directory',
    ]);
  }
}

// Links every plugin of `dirs` into `target` (made new), each plugin name once, the first
// directory's winning: the order helm searches a HELM_PLUGINS list in. Helm refuses a directory
// where two plugins claim one name, and finds a plugin by the name in its plugin.yaml, so names
// are compared as plugin.yaml says them (the directory's name for one that cannot be read).
async function linkPluginsDir(target: string, dirs: string[], platform: NodeJS.Platform): Promise<string> {
  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  const entries = new Set<string>();
  const names = new Set<string>();
  for (const dir of dirs) {
    let children: string[];
    try {
      children = await readdir(dir);
    } catch {
      continue; // helm skips a plugins directory that does not exist
    }
    for (const child of children.sort()) {
      const source = join(dir, child);
      const name = await pluginName(source);
      if (name === undefined || entries.has(child) || names.has(name)) continue;
      entries.add(child);
      names.add(name);
      // A junction on Windows: a directory link that needs no administrator rights.
      await symlink(source, join(target, child), platform === 'win32' ? 'junction' : 'dir');
    }
  }
  return target;
}

// The plugin's name as helm reads it, or undefined when `dir` holds no plugin.yaml.
async function pluginName(dir: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, 'plugin.yaml'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const doc = parse(text) as { name?: unknown } | null;
    if (typeof doc?.name === 'string' && doc.name) return doc.name;
  } catch {
    // helm skips a plugin it cannot load; linked under its directory's name, so does this run.
  }
  return basename(dir);
}

// The launcher runs one fixed command line: every part is quoted here, and nothing else is
// interpreted by a shell.
async function writeLauncher(workDir: string, platform: NodeJS.Platform, argv: string[]): Promise<string> {
  if (platform === 'win32') {
    const file = join(workDir, 'helm-canary-post-render.cmd');
    await writeFile(file, `@echo off\r\n${argv.map(cmdQuote).join(' ')}\r\nexit /b %ERRORLEVEL%\r\n`, { mode: 0o700 });
    return file;
  }
  const file = join(workDir, 'helm-canary-post-render.sh');
  await writeFile(file, `#!/bin/sh\nexec ${argv.map(shQuote).join(' ')}\n`, { mode: 0o700 });
  await chmod(file, 0o700); // writeFile's mode applies only to a file it creates
  return file;
}

/** shQuote quotes one argument for sh: single quotes, each ' written as '\''. */
export function shQuote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

// cmd.exe: inside double quotes only % (variable expansion in a batch file) still acts, and a
// Windows path cannot hold a double quote.
function cmdQuote(arg: string): string {
  return `"${arg.replaceAll('%', '%%')}"`;
}
