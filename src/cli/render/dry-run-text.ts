// What a dry run would apply, as text on stdout: each helm upgrade with its argv (quoted so it can
// be copied) and the generated values file it would write.
import { stringify } from 'yaml';
import type { WouldApply } from '../../dry-run/dry-run-adapters.js';
import { shellQuote } from '../../text/shell-quote.js';

function indent(text: string, by: string): string {
  return text.trimEnd().split('\n').map((l) => `${by}${l}`).join('\n');
}

/** renderDryRun lists the applies a dry run recorded, or says that none would run. */
export function renderDryRun(wouldApply: readonly WouldApply[]): string {
  if (wouldApply.length === 0) return '[dry run] nothing would be applied';
  const count = wouldApply.length === 1 ? 'one helm upgrade' : `${wouldApply.length} helm upgrades`;
  const blocks = wouldApply.map((a, i) => [
    `${i + 1}. ${a.title}`,
    `   helm ${a.helm.map(shellQuote).join(' ')}`,
    ...(a.needsPostRenderer ? ["   (helm-canary runs it with its overlay post-renderer: by hand, without it, helm would delete the canary Deployment, DestinationRule and VirtualService)"] : []),
    `   ${a.valuesFile}:`,
    indent(stringify(a.values), '     '),
  ].join('\n'));
  return [`[dry run] would apply ${count}, nothing was changed:`, ...blocks].join('\n');
}
