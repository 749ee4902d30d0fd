// The human form of one `status --watch` frame: the stage and weights, each Deployment's desired,
// updated and ready counts, its pods, and the last events of the release's objects.
import type { LiveState } from '../../rollout/ports.js';
import type { Activity } from '../../rollout/release-activity.js';
import type { DeploymentStatus, ReleaseStatus } from '../../rollout/status.js';
import { renderTable } from './table.js';

/** WatchFrame is what one redraw of the watch shows. */
export interface WatchFrame {
  status: ReleaseStatus;
  live: LiveState;
  activity?: Activity;
}

function deploymentRow(role: 'production' | 'canary', d: DeploymentStatus, live: LiveState): string[] {
  if (!d.image) return [role, d.name, 'not found', '-', '-', '-', '-'];
  const updated = live[role]?.updated;
  return [role, d.name, d.tag ?? '', String(d.desired ?? 0), updated === undefined ? '-' : String(updated), `${d.ready ?? 0}/${d.desired ?? 0}`, `${d.weight ?? 0} %`];
}

function indent(text: string, by = '  '): string[] {
  return text.split('\n').map((l) => `${by}${l}`);
}

/** renderWatchFrame renders one frame; `time` is the HH:MM:SS it was read at. */
export function renderWatchFrame(frame: WatchFrame, time: string): string {
  const { status: s, live, activity } = frame;
  const lines = [`Release ${s.release} in namespace ${s.namespace}  (read ${time}; Ctrl-C to stop)`];
  if (s.stage) lines.push(`  stage    ${s.stage.number} of ${s.stage.of}: ${s.stage.name} (${s.phase}; ${s.position})`);
  else lines.push(`  stage    ${s.phase === 'unrecorded' ? `unknown (${s.position})` : 'no rollout recorded'}`);
  if (s.stableTag) lines.push(`  tags     stable ${s.stableTag} -> new ${s.newTag}`);
  lines.push(
    ...indent(
      renderTable([
        ['DEPLOYMENT', 'NAME', 'TAG', 'DESIRED', 'UPDATED', 'READY', 'WEIGHT'],
        deploymentRow('production', s.production, live),
        deploymentRow('canary', s.canary, live),
      ]),
    ),
  );
  if (activity) {
    if (activity.pods.length) {
      lines.push('  pods');
      lines.push(...indent(renderTable(activity.pods.map((p) => [p.role, p.name, p.tag, p.phase, p.ready ? 'ready' : 'not ready', `restarts ${p.restarts}`])), '    '));
    } else lines.push('  pods     none');
    if (activity.events.length) {
      lines.push('  events');
      lines.push(...indent(renderTable(activity.events.map((e) => [e.at.slice(11, 19), e.type, e.object, e.reason, e.message.replace(/\s+/g, ' ')])), '    '));
    }
  }
  if (s.lock) lines.push(`  moving   ${s.lock.holder} holds the release`);
  if (s.nextMoves.length) lines.push(`  next     ${s.nextMoves.join(' | ')}`);
  return lines.join('\n');
}
