// The human form of `history`: the rollout in one line, then a table of its transitions.
import type { RolloutHistory } from '../../rollout/history.js';
import { renderTable } from './table.js';

/** renderHistoryText renders a rollout's history for people, oldest transition first. */
export function renderHistoryText(h: RolloutHistory): string {
  const head = `Rollout of ${h.release} in namespace ${h.namespace}: ${h.stableTag} -> ${h.newTag} (plan ${h.plan}), started ${h.startedAt} by ${h.startedBy}; now ${h.phase}`;
  if (h.entries.length === 0) return `${head}\nno transitions recorded yet`;
  const rows = [['WHEN', 'WHO', 'ACTION', 'FROM', 'TO', 'RESULT', 'MESSAGE']];
  for (const e of h.entries) rows.push([e.at, e.by, e.action, `${e.from} ${e.fromName}`, `${e.to} ${e.toName}`, e.result, e.message ?? '']);
  return `${head}\n${renderTable(rows)}`;
}
