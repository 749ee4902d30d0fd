// The human table of a rollout plan: one row per stage, both deployments side by side, then the
// applies of each stage so a person sees where the tool splits a stage for safety.
import type { RolloutPlan } from '../../engine/index.js';
import { renderTable } from './table.js';

/** renderPlanTable renders the stages as DESIGN.md's table, with each stage's applies below. */
export function renderPlanTable(doc: RolloutPlan, mode: 'values' | 'overlay' = 'values'): string {
  const overlay = mode === 'overlay';
  const header = ['#', 'stage', 'prod tag', 'prod weight', 'prod replicas', 'canary tag', 'canary replicas', 'canary weight'];
  const rows = doc.stages.map((s) => [
    String(s.number), s.name, s.production.tag, String(s.production.weight), String(s.production.replicas),
    s.canary.tag, String(s.canary.replicas), String(s.canary.weight),
  ]);
  const lines = [
    `Release ${doc.release} in namespace ${doc.namespace}: ${doc.stableTag} -> ${doc.newTag} (plan ${doc.plan}, drain ${doc.drainSeconds}s${overlay ? ', mode overlay' : ''})`,
    '',
    renderTable([header, ...rows]),
    '',
    overlay
      ? "Applies (each one helm upgrade --install through helm-canary's overlay post-renderer, which adds the canary Deployment,\n" +
        'DestinationRule and VirtualService; a plain helm upgrade of these values, without it, would delete them):'
      : 'Applies (each one helm upgrade --install --wait):',
  ];
  for (const s of doc.stages) {
    s.applies.forEach((a, i) => {
      const drain = a.drainBefore ? ` (after a ${doc.drainSeconds}s drain)` : '';
      lines.push(`  ${s.number}${s.applies.length > 1 ? String.fromCharCode(97 + i) : ' '}  ${a.purpose}${drain}`);
    });
  }
  lines.push('', 'Rollback (to stage 1) from:');
  for (const [from, applies] of Object.entries(doc.rollback.from)) {
    lines.push(`  stage ${from}: ${applies.map((a) => (a.drainBefore ? `[drain] ${a.purpose}` : a.purpose)).join('  =>  ')}`);
  }
  return lines.join('\n');
}
