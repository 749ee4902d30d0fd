// `helm-canary detach`: registration only; the runner is imported when it runs.
import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { addMutatingOptions } from '../options.js';
import type { DetachFlags } from './actions/detach.js';

/** detachAction leaves overlay mode. */
export async function detachAction(opts: DetachFlags, deps: CliDeps): Promise<void> {
  await (await import('./actions/detach.js')).runDetach(opts, deps);
}

/** registerDetach adds `detach` to the program. */
export function registerDetach(program: Command, deps: CliDeps): void {
  addMutatingOptions(
    program
      .command('detach')
      .description("leave overlay mode: the release goes back to its chart alone at its stable tag, with no request routed to a subset that is gone")
      .addHelpText(
        'after',
        `
Overlay mode only (mode: overlay), with no rollout in progress. Two applies:
  1. the overlay with the VirtualService routing to the Service as a whole (no subset) and the
     Service back on its own selector, then the drain wait, so every proxy stops routing by subset;
  2. the chart alone: helm removes the canary Deployment (0 pods), the DestinationRule and the
     VirtualService, and the Service gets its own selector back.
Refused when the chart alone would run fewer production pods than run now: set its replica
count first. Keep canary.yaml as it is until detach is done; afterwards deploy the chart with
helm, or set mode: values to use helm-canary with a two-Deployment chart.`,
      ),
  ).action((opts: DetachFlags) => detachAction(opts, deps));
}
