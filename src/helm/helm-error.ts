// The one error type of the helm adapter, like execa's single ExecaError: every failure of a
// helm run (binary missing, helm exiting non-zero, our own timeout) becomes a HelmError with
// typed fields, so callers branch on `kind`, never on message text.
import { classifyHelmStderr, type HelmErrorKind } from './helm-error-kind.js';
import { shellQuote } from '../text/shell-quote.js';

/** HelmErrorDetails are the facts a HelmError is built from. */
export interface HelmErrorDetails {
  binary: string;
  command: string[];
  exitCode?: number;
  stderr: string;
  timedOut: boolean;
  /** Node's error code when helm could not be started (ENOENT, EACCES). */
  spawnCode?: string;
  cause?: unknown;
}

// What to tell the user next, per kind: the message should name the fix, not only the fault.
const HINTS: Record<HelmErrorKind, string> = {
  'not-found': 'install helm 3.8+ or point --helm / HELM_BIN at it',
  'release-not-found': 'check the release name and namespace (helm list -n NAMESPACE)',
  'pending-operation':
    'an earlier helm run was interrupted and left the release pending; check `helm history`, then roll back to the last deployed revision',
  'wait-timeout': 'the pods did not become ready in time; check the pods and events, or raise --timeout',
  unreachable: 'check KUBECONFIG, the kube context and that the API server is reachable',
  'invalid-values': 'fix the values: nothing was applied',
  other: '',
};

/** HelmError is a failed helm run with what failed, how, and helm's own words. */
export class HelmError extends Error {
  override readonly name = 'HelmError';
  /** kind is what went wrong, classified from helm's stderr (or the spawn error). */
  readonly kind: HelmErrorKind;
  /** command is the argv helm ran with (without the binary). */
  readonly command: string[];
  /** binary is the helm executable that was run. */
  readonly binary: string;
  /** exitCode is helm's exit status; undefined when helm never ran or was killed. */
  readonly exitCode: number | undefined;
  /** stderr is everything helm wrote to stderr, trimmed. */
  readonly stderr: string;
  /** timedOut is set when our own process timeout killed helm (not helm's --timeout). */
  readonly timedOut: boolean;

  constructor(details: HelmErrorDetails) {
    const kind = details.spawnCode === 'ENOENT' ? 'not-found' : classifyHelmStderr(details.stderr);
    super(formatHelmErrorMessage(kind, details), { cause: details.cause });
    this.kind = kind;
    this.command = details.command;
    this.binary = details.binary;
    this.exitCode = details.exitCode;
    this.stderr = details.stderr.trim();
    this.timedOut = details.timedOut;
  }
}

/** formatHelmErrorMessage builds every HelmError message: what ran, how it ended, helm's stderr, the hint. */
export function formatHelmErrorMessage(kind: HelmErrorKind, details: HelmErrorDetails): string {
  // Quoted as a shell would need it, so the line can be copied and run again.
  const ran = `helm ${details.command.map(shellQuote).join(' ')}`;
  let how: string;
  if (kind === 'not-found') how = `could not run ${details.binary}: not found`;
  else if (details.spawnCode) how = `could not run ${details.binary}: ${details.spawnCode}`;
  else if (details.timedOut) how = 'timed out and was killed';
  else if (details.exitCode !== undefined) how = `failed with exit code ${details.exitCode}`;
  else how = 'was killed';
  const lines = [`${ran} ${how}`];
  const stderr = details.stderr.trim();
  if (stderr) lines.push(stderr);
  const hint = templateFailureHint(stderr) ?? HINTS[kind];
  if (hint) lines.push(`hint: ${hint}`);
  return lines.join('\n');
}

// A template of the chart that failed: helm names it as `chart/templates/file.yaml` in
// "execution error at (canary-app/templates/vs.yaml:2:4): ..." (the chart's own `fail`),
// "template: canary-app/templates/deployment.yaml:12:20: executing ..." and "parse error at (...)".
const TEMPLATE_FAILURE = /(?:execution error at \(|parse error at \(|\btemplate: )((?:[^/\s():]+\/)*?([^/\s():]+)\/templates\/[^\s():]+)/;

/**
 * templateFailureHint says, when a template of the chart failed to render, that the chart's
 * template failed, naming the chart and the template, with the values as the other possible cause.
 */
function templateFailureHint(stderr: string): string | undefined {
  const match = TEMPLATE_FAILURE.exec(stderr);
  if (!match) return undefined;
  const [, template, chart] = match;
  return `the template ${template} of chart ${chart} failed: fix the chart, or the values it rejects; nothing was applied`;
}
