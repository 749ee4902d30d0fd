// What one model run is made of: a setup (plan, replicas, first tag) and a sequence of steps,
// each a CLI command with its flags and at most one fault, or something that happens between
// commands. Plain JSON, so a shrunk counterexample pastes straight into regressions.test.ts.
import { describeFault, type CommandFault } from './fakes/index.js';
import type { Tag } from './fakes/images.js';

/** PLAN_STEPS are the canary weight steps of the plans the model runs (stages/ has the first two). */
export const PLAN_STEPS = {
  'seven-stage': [{ weight: 10 }, { weight: 90 }, { weight: 100 }],
  gradual: [{ weight: 5, canaryReplicas: '50%' as const }, { weight: 25 }, { weight: 50 }, { weight: 100 }],
  'half-then-all': [{ weight: 50 }, { weight: 100 }],
  'all-at-once': [{ weight: 100 }],
};
export type PlanName = keyof typeof PLAN_STEPS;

/** ModelSetup is the release a run starts with: installed at `firstTag` by a fault-free deploy. */
export interface ModelSetup {
  plan: PlanName;
  replicas: number;
  drainSeconds: number;
  firstTag: Tag;
}

interface Flags {
  dryRun?: boolean;
  fault?: CommandFault;
}

/** Step is one thing that happens in a run. */
export type Step =
  | ({ do: 'deploy'; tag: Tag; recover?: boolean } & Flags)
  | ({ do: 'start'; newTag: Tag; to?: number; force?: boolean; recover?: boolean; rollbackOnFailure?: boolean } & Flags)
  | ({ do: 'promote'; to?: number; force?: boolean; recover?: boolean; rollbackOnFailure?: boolean } & Flags)
  | ({ do: 'rollback'; recover?: boolean } & Flags)
  | { do: 'status'; fault?: CommandFault }
  /** Time passes with no command running: pods progress, killed commands' leases expire. */
  | { do: 'wait'; seconds: number }
  /** Someone deletes the rollout record between commands. */
  | { do: 'delete-record' }
  /** The lease is deleted or taken by another holder between commands. */
  | { do: 'lose-lease'; how: 'deleted' | 'taken' };

/** CommandStep is a step that runs one of the runner's commands. */
export type CommandStep = Extract<Step, { do: 'deploy' | 'start' | 'promote' | 'rollback' | 'status' }>;

/** isCommand tells command steps from things that happen between commands. */
export function isCommand(step: Step): step is CommandStep {
  return ['deploy', 'start', 'promote', 'rollback', 'status'].includes(step.do);
}

/** describeStep renders a step as its command line, e.g. "promote --to 4 --force [kill@call12]". */
export function describeStep(step: Step): string {
  const flag = (on: boolean | undefined, name: string) => (on ? ` ${name}` : '');
  const fault = 'fault' in step && step.fault ? ` [${describeFault(step.fault)}]` : '';
  const common = (s: Flags & { recover?: boolean }) => `${flag(s.recover, '--recover')}${flag(s.dryRun, '--dry-run')}`;
  switch (step.do) {
    case 'deploy':
      return `deploy --tag ${step.tag}${common(step)}${fault}`;
    case 'start':
      return `start --new-tag ${step.newTag}${step.to !== undefined ? ` --to ${step.to}` : ''}${flag(step.force, '--force')}${flag(step.rollbackOnFailure, '--rollback-on-failure')}${common(step)}${fault}`;
    case 'promote':
      return `promote${step.to !== undefined ? ` --to ${step.to}` : ''}${flag(step.force, '--force')}${flag(step.rollbackOnFailure, '--rollback-on-failure')}${common(step)}${fault}`;
    case 'rollback':
      return `rollback${common(step)}${fault}`;
    case 'status':
      return `status${fault}`;
    case 'wait':
      return `(${step.seconds}s pass)`;
    case 'delete-record':
      return '(the rollout record is deleted)';
    case 'lose-lease':
      return `(the lease is ${step.how === 'taken' ? 'taken by another holder' : 'deleted'})`;
  }
}
