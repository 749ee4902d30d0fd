// postRendererInvocation's answers that need no helm run: the flags each helm gets, helm 4's one
// plugins directory (ours first, theirs by name, no duplicate names), the Windows launcher, and
// a clear error when the bundle is missing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { bundleFile, OVERLAY_PLUGIN, pluginsDir, postRendererInvocation, PostRendererUnavailableError, POST_RENDER_ERROR_FILE_ENV } from '../../src/helm/post-renderer.js';

describe('postRendererInvocation', () => {
  let dir: string;
  // A bundle file that exists, so these tests do not depend on a build.
  let bundle: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'post renderer '));
    bundle = join(dir, 'helm-canary.mjs');
    await writeFile(bundle, '');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const plugin = async (parent: string, folder: string, name: string) => {
    await mkdir(join(parent, folder), { recursive: true });
    await writeFile(join(parent, folder, 'plugin.yaml'), `apiVersion: v1\nname: ${name}\ntype: getter/v1\nruntime: subprocess\nversion: 1.0.0\n`);
  };

  it('gives helm 4 the plugin, its three arguments and one plugins directory holding ours and each of theirs once', async () => {
    const first = join(dir, 'first');
    const second = join(dir, 'second');
    await plugin(first, 'a', 'alpha');
    await plugin(first, 'mine', OVERLAY_PLUGIN); // theirs, claiming our name: ours wins
    await plugin(second, 'a', 'other'); // same folder name as first/a: the first directory wins
    await plugin(second, 'b', 'alpha'); // same plugin name as first/a: the first directory wins
    await plugin(second, 'c', 'gamma');
    await mkdir(join(second, 'not-a-plugin'));
    const workDir = await mkdtemp(join(dir, 'work '));
    const inv = await postRendererInvocation({ helmMajor: 4, valuesFile: join(dir, 'v.yaml'), workDir, env: { HELM_PLUGINS: [first, join(dir, 'absent'), second].join(delimiter) }, bundlePath: bundle, nodePath: '/opt/node/bin/node' });
    assert.deepEqual(inv.args, ['--post-renderer', OVERLAY_PLUGIN, '--post-renderer-args=/opt/node/bin/node', `--post-renderer-args=${bundle}`, `--post-renderer-args=${join(dir, 'v.yaml')}`]);
    assert.equal(inv.env[POST_RENDER_ERROR_FILE_ENV], inv.errorFile);
    const merged = inv.env.HELM_PLUGINS!;
    assert.equal(merged.includes(delimiter), false);
    const links = Object.fromEntries(await Promise.all((await readdir(merged)).sort().map(async (entry) => [entry, await readlink(join(merged, entry))])));
    assert.deepEqual(links, { a: join(first, 'a'), c: join(second, 'c'), [OVERLAY_PLUGIN]: join(pluginsDir(), OVERLAY_PLUGIN) });
  });

  it('gives helm 3 an executable launcher by path, with no --post-renderer-args (helm 3.8 has none)', async () => {
    const workDir = await mkdtemp(join(dir, 'work '));
    const inv = await postRendererInvocation({ helmMajor: 3, valuesFile: join(dir, "it's.yaml"), workDir, env: {}, bundlePath: bundle, nodePath: '/opt/node/bin/node', platform: 'linux' });
    assert.deepEqual(inv.args, ['--post-renderer', join(workDir, 'helm-canary-post-render.sh')]);
    assert.equal(await readFile(inv.args[1]!, 'utf8'), `#!/bin/sh\nexec '/opt/node/bin/node' '${bundle}' '__post-render' '${join(dir, "it'\\''s.yaml")}'\n`);
    assert.equal(inv.env.HELM_PLUGINS, undefined);
  });

  it('writes a .cmd launcher on Windows, escaping % for cmd.exe', async () => {
    const workDir = await mkdtemp(join(dir, 'work '));
    const inv = await postRendererInvocation({ helmMajor: 3, valuesFile: 'C:\\v 100%.yaml', workDir, env: {}, bundlePath: bundle, nodePath: 'C:\\Program Files\\nodejs\\node.exe', platform: 'win32' });
    assert.ok(inv.args[1]!.endsWith('helm-canary-post-render.cmd'));
    const text = await readFile(inv.args[1]!, 'utf8');
    assert.match(text, /^@echo off\r\n"C:\\Program Files\\nodejs\\node\.exe" ".*helm-canary\.mjs" "__post-render" ".*v 100%%\.yaml"\r\nexit \/b %ERRORLEVEL%\r\n$/);
  });

  it('says how to get the bundle when it is missing', async () => {
    await assert.rejects(
      postRendererInvocation({ helmMajor: 4, valuesFile: 'v.yaml', workDir: dir, env: {}, bundlePath: join(dir, 'none.mjs') }),
      (err: unknown) => err instanceof PostRendererUnavailableError && err.message.includes('none.mjs') && err.hints.some((h) => h.includes('node scripts/bundle.mjs')),
    );
    assert.ok(bundleFile().endsWith(join('dist', 'bin', 'helm-canary.mjs')));
  });
});
