// `helm-canary __post-render <values-file>`: the overlay post-renderer, run by helm (never by a
// person, so hidden from --help). Reads the rendered manifest on stdin and the stage's settings
// from the values file's `helmCanary` key, writes the manifest with the canary added to stdout.
// On any error it prints nothing on stdout and exits 1, so helm fails the run and applies nothing.
// Started once per helm run: the work is imported only when it runs, and no cluster client loads.
import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { CliError, EXIT } from '../errors.js';

/** PostRenderIo is where the manifest comes from; tests pass their own. */
export interface PostRenderIo {
  readStdin(): Promise<string>;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const processIo: PostRenderIo = { readStdin: () => readAll(process.stdin) };

/** postRenderAction transforms the manifest on stdin with the settings in `valuesFile`. */
export async function postRenderAction(valuesFile: string, deps: CliDeps, io: PostRenderIo = processIo): Promise<void> {
  try {
    const [{ readFile }, { overlayInputFromValuesText }, { overlayManifest }] = await Promise.all([
      import('node:fs/promises'),
      import('../../helm/post-render-values.js'),
      import('../../overlay/transform.js'),
    ]);
    let text: string;
    try {
      text = await readFile(valuesFile, 'utf8');
    } catch (error) {
      throw new CliError(`cannot read the values file ${valuesFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, EXIT.stageFailed);
    }
    const input = overlayInputFromValuesText(text, valuesFile);
    const manifest = await io.readStdin();
    // One write, after all the work: helm never gets half a manifest.
    deps.stdout.write(overlayManifest(manifest, input));
  } catch (error) {
    const failure = asCliError(error);
    await recordForCaller(failure, deps.env);
    throw failure;
  }
}

// The overlay's and the values file's errors carry hints; anything else is a bug and stays one.
function asCliError(error: unknown): unknown {
  if (error instanceof CliError) return error;
  const hints = (error as { hints?: unknown } | undefined)?.hints;
  if (error instanceof Error && Array.isArray(hints)) return new CliError(`post-renderer: ${error.message}`, EXIT.stageFailed, hints.map(String));
  return error;
}

// Helm 4 drops a post-renderer plugin's stderr; helm-canary reads the error from this file instead
// (see src/helm/post-renderer.ts).
async function recordForCaller(failure: unknown, env: NodeJS.ProcessEnv): Promise<void> {
  const { POST_RENDER_ERROR_FILE_ENV } = await import('../../helm/post-renderer.js');
  const file = env[POST_RENDER_ERROR_FILE_ENV];
  if (!file) return;
  const text = failure instanceof CliError ? [failure.message, ...failure.details].join('\n') : String((failure as Error)?.stack ?? failure);
  try {
    await (await import('node:fs/promises')).writeFile(file, `${text}\n`);
  } catch {
    // The error still goes to stderr; helm 3 shows it from there.
  }
}

/** registerPostRender adds the hidden `__post-render` to the program. */
export function registerPostRender(program: Command, deps: CliDeps): void {
  program
    .command('__post-render <values-file>', { hidden: true })
    .description('the overlay post-renderer helm runs: manifest on stdin, the values file\'s helmCanary key, the result on stdout')
    .action((valuesFile: string) => postRenderAction(valuesFile, deps));
}
