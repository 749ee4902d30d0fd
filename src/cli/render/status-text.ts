// The human form of `status`: stage, both deployments, the live weights, the record, next moves.
import type { ReleaseStatus, DeploymentStatus } from '../../rollout/status.js';
import { renderTable } from './table.js';

function deploymentLine(role: string, d: DeploymentStatus): string {
  if (!d.image) return `  ${role.padEnd(10)} ${d.name}: not found`;
  return `  ${role.padEnd(10)} ${d.name}  ${d.image}  ready ${d.ready}/${d.desired}  weight ${d.weight ?? 0} %`;
}

/** renderStatusText renders a ReleaseStatus for people. */
export function renderStatusText(s: ReleaseStatus): string {
  const lines = [`Release ${s.release} in namespace ${s.namespace}`];
  if (s.stage) lines.push(`  stage      ${s.stage.number} of ${s.stage.of}: ${s.stage.name} (${s.phase}; ${s.position})`);
  else if (s.phase === 'unrecorded') lines.push(`  stage      unknown (${s.phase}; ${s.position})`);
  else lines.push('  stage      no rollout recorded');
  if (s.stableTag) lines.push(`  tags       stable ${s.stableTag} -> new ${s.newTag}`);
  lines.push(deploymentLine('production', s.production), deploymentLine('canary', s.canary));
  if (s.record) {
    lines.push(`  started    ${s.record.startedAt} by ${s.record.startedBy} (plan ${s.record.plan})`);
    lines.push(`  last move  ${s.record.lastTransitionAt}`);
    if (s.record.lastError) lines.push(`  last error ${s.record.lastError}`);
  }
  if (s.helm) lines.push(`  helm       revision ${s.helm.revision}, ${s.helm.status}`);
  if (s.lock) lines.push(`  locked by  ${s.lock.holder}${s.lock.expiresAt ? ` until ${s.lock.expiresAt}` : ''}`);
  if (s.nextMoves.length) lines.push(`  next       ${s.nextMoves.join(' | ')}`);
  return lines.join('\n');
}

/** renderStatusTable renders many releases, one line each; `allNamespaces` adds a namespace column (status -A). */
export function renderStatusTable(statuses: ReleaseStatus[], allNamespaces = false): string {
  if (statuses.length === 0) return allNamespaces ? 'no releases with a rollout record in any namespace you can list' : 'no releases with a rollout record in this namespace';
  const rows = [[...(allNamespaces ? ['namespace'] : []), 'release', 'stage', 'phase', 'stable', 'new', 'production', 'canary', 'weights']];
  for (const s of statuses) {
    const d = (x: DeploymentStatus) => (x.image ? `${x.tag} ${x.ready}/${x.desired}` : 'missing');
    rows.push([
      ...(allNamespaces ? [s.namespace] : []),
      s.release, s.stage ? `${s.stage.number}/${s.stage.of} ${s.stage.name}` : '-', s.phase, s.stableTag ?? '-', s.newTag ?? '-',
      d(s.production), d(s.canary), `${s.production.weight ?? 0}/${s.canary.weight ?? 0}`,
    ]);
  }
  return renderTable(rows);
}
