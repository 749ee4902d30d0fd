// lint's overlay-mode checks: each stage's values rendered by `helm template` THROUGH helm-canary's
// overlay post-renderer (the same flags and environment an apply gets), so a chart the overlay
// cannot canary fails lint with the overlay's own words; and one render without it, which
// describeOverlay turns into what the overlay would generate.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { HelmRunner } from '../../../helm/helm-runner.js';
import { postRendererInvocation, PostRendererUnavailableError, readPostRenderFailure } from '../../../helm/post-renderer.js';
import { describeOverlay, OverlayError, type OverlayDescription } from '../../../overlay/index.js';
import type { OverlaySpec } from '../../../engine/types.js';
import { UnreachableError } from '../../errors.js';

/** OverlayRefusal is the post-renderer's own report (message, then its hints) of why it refused a render. */
export class OverlayRefusal extends Error {
  override name = 'OverlayRefusal';
  constructor(report: string, options?: ErrorOptions) {
    super(withConfigKeys(report), options);
  }
}

// The overlay names its settings as the transform knows them ("the overlay's target deployment");
// a person fixes them in canary.yaml, so the key is said too.
function withConfigKeys(report: string): string {
  return report.replace(/the overlay's target (deployment|container|service)\b/g, "the overlay's target $1 (canary.yaml: overlay.$1)");
}

/**
 * overlayRenderEnv is the environment the post-renderer's helm runs see, with HELM_PLUGINS asked
 * of helm 4 once (postRendererInvocation would ask it again for every render).
 */
export async function overlayRenderEnv(runner: HelmRunner, helmMajor: 3 | 4): Promise<NodeJS.ProcessEnv> {
  if (helmMajor === 3 || process.env.HELM_PLUGINS) return process.env;
  try {
    const { stdout } = await promisify(execFile)(runner.binary, ['env', 'HELM_PLUGINS'], { timeout: 30_000 });
    return stdout.trim() ? { ...process.env, HELM_PLUGINS: stdout.trim() } : process.env;
  } catch {
    return process.env; // postRendererInvocation asks again, and says what went wrong
  }
}

/**
 * templateThroughOverlay runs `helm template` (templateArgv) with the overlay post-renderer on
 * `valuesFile`, in a work directory removed afterwards. Throws OverlayRefusal when the overlay
 * refused the chart (helm 4 hides the plugin's stderr: its error file says why), helm's error
 * otherwise.
 */
export async function templateThroughOverlay(runner: HelmRunner, helmMajor: 3 | 4, env: NodeJS.ProcessEnv, templateArgv: string[], valuesFile: string): Promise<string> {
  const workDir = await mkdtemp(join(tmpdir(), 'helm-canary-lint-post-render-'));
  try {
    let invocation;
    try {
      invocation = await postRendererInvocation({ helmMajor, valuesFile, workDir, env, helmBinary: runner.binary });
    } catch (err) {
      if (err instanceof PostRendererUnavailableError) throw new UnreachableError(`cannot run helm-canary's overlay post-renderer: ${err.message}`, err.hints);
      throw err;
    }
    try {
      return await runner.template([...templateArgv, ...invocation.args], { env: invocation.env });
    } catch (err) {
      const refused = await readPostRenderFailure(invocation);
      if (refused) throw new OverlayRefusal(refused.replace(/^post-renderer: /, ''), { cause: err });
      throw err;
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** describeRender says what the overlay would generate from `manifest` (a render without it); an OverlayError becomes an OverlayRefusal. */
export function describeRender(manifest: string, overlay: OverlaySpec): OverlayDescription {
  try {
    return describeOverlay(manifest, { target: overlay.target, routing: overlay.routing });
  } catch (err) {
    if (err instanceof OverlayError) throw new OverlayRefusal([err.message, ...err.hints].join('\n'), { cause: err });
    throw err;
  }
}
