// The Reporter port that keeps every line, so a failing sequence's trace shows what the runner said.
import type { Outcome, Reporter } from '../../../src/rollout/ports.js';
import { outcomeText } from '../../../src/cli/progress.js';

/** CollectingReporter records progress lines instead of printing them. */
export class CollectingReporter implements Reporter {
  readonly lines: string[] = [];

  info(message: string): void {
    this.lines.push(`info: ${message}`);
  }

  /** The CLI's wording of what a command achieved, as a user reads it. */
  outcome(outcome: Outcome): void {
    this.lines.push(`info: ${outcomeText(outcome, false)}`);
  }

  warn(message: string): void {
    this.lines.push(`warn: ${message}`);
  }

  task(label: string): { done(message?: string): void; fail(message?: string): void } {
    this.lines.push(`task: ${label}`);
    return {
      done: (message) => this.lines.push(`  done${message ? `: ${message}` : ''}`),
      fail: (message) => this.lines.push(`  failed${message ? `: ${message}` : ''}`),
    };
  }
}
