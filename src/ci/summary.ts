// A short markdown report of where the rollout stands, for the run's summary page: the stage,
// both deployments' tags, weights and ready replicas, and what can be done next.
import type { DeploymentStatus, ReleaseStatus } from '../rollout/status.js';

function cell(value: string | number | undefined | null): string {
  return value === undefined || value === null || value === '' ? '-' : String(value).replace(/\|/g, '\\|');
}

function row(role: string, d: DeploymentStatus): string {
  const ready = d.desired === undefined ? '-' : `${d.ready ?? 0}/${d.desired}`;
  return `| ${role} | ${cell(d.name)} | ${cell(d.tag)} | ${cell(d.weight)} | ${ready} |`;
}

/** statusSummary renders the status as a markdown section. */
export function statusSummary(status: ReleaseStatus): string {
  const stage = status.stage ? `stage ${status.stage.number} of ${status.stage.of} (${status.stage.name})` : 'no rollout recorded';
  const tags = status.newTag ? `${cell(status.stableTag)} → ${cell(status.newTag)}` : cell(status.stableTag ?? status.production.tag);
  return [
    `### helm-canary: ${status.release} in ${status.namespace}`,
    '',
    `**${stage}**, phase \`${status.phase}\`, tags ${tags}`,
    '',
    '| deployment | name | tag | weight % | ready |',
    '|---|---|---|---|---|',
    row('production', status.production),
    row('canary', status.canary),
    '',
    status.nextMoves.length ? `Next: ${status.nextMoves.join('; ')}` : '',
    status.record?.lastError ? `\nLast error: ${status.record.lastError}` : '',
  ].join('\n').trimEnd() + '\n';
}
