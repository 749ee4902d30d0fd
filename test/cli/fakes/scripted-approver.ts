// An Approver that answers from a script, and remembers every question, for tests of the gate.
import type { Approver, GateMove, GateOption, GateState } from '../../../src/cli/commands/gate/approver.js';

/** ScriptedAnswer is one answer: a move kind to choose, or yes/no to a rollback confirmation. */
export type ScriptedAnswer = GateMove['kind'] | boolean;

/** ScriptedApprover answers in order; a question the script did not expect fails the test. */
export class ScriptedApprover implements Approver {
  /** asked lists each question: the offered labels, or "confirm rollback". */
  readonly asked: string[] = [];

  constructor(private readonly answers: ScriptedAnswer[]) {}

  private next(question: string): ScriptedAnswer {
    this.asked.push(question);
    if (!this.answers.length) throw new Error(`the script has no answer for: ${question}`);
    return this.answers.shift()!;
  }

  async choose(options: readonly GateOption[], state: GateState): Promise<GateMove> {
    const answer = this.next(`stage ${state.stage?.number}${state.troubled ? ' (troubled)' : ''}: ${options.map((o) => o.label).join(' | ')}`);
    const option = options.find((o) => o.move.kind === answer);
    if (!option) throw new Error(`scripted ${String(answer)}, not among the options offered`);
    return option.move;
  }

  async confirmRollback(): Promise<boolean> {
    const answer = this.next('confirm rollback');
    if (typeof answer !== 'boolean') throw new Error(`scripted ${answer} where a yes/no was asked`);
    return answer;
  }

  /** done is true when every scripted answer was used. */
  get done(): boolean {
    return this.answers.length === 0;
  }
}
