// `status --watch` and `status --wait-for`: re-read the release's status until the rollout ends,
// or until it reaches a phase. The reads and the clock are passed in, so both run over fakes.
import type { Writer } from '../../cli-deps.js';
import { CliError, EXIT, type ExitCode } from '../../errors.js';
import { renderWatchFrame, type WatchFrame } from '../../render/watch-text.js';
import { renderDocument, type OutputFormat } from '../../render/machine-output.js';
import type { Clock } from '../../../rollout/ports.js';
import type { ReleaseStatus, StatusPhase } from '../../../rollout/status.js';

/** WATCH_ENDS are the phases in which a rollout has ended: the watch stops there. */
export const WATCH_ENDS: readonly StatusPhase[] = ['completed', 'rolled-back', 'none'];

/** WAIT_PHASES are the phases `--wait-for` takes. */
export const WAIT_PHASES = ['in-progress', 'promoting', 'rolling-back', 'failed', 'completed', 'rolled-back', 'interrupted', 'unrecorded'] as const;

/** WatchOutput is where the watch draws and how: a terminal redraws in place, anything else gets a new block per change. */
export interface WatchOutput {
  out: Writer & { columns?: number };
  clock: Pick<Clock, 'now' | 'sleep'>;
  /** terminal: redraw in place with escape codes (a TTY, not TERM=dumb or NO_COLOR). */
  terminal: boolean;
  format: OutputFormat;
  intervalMs: number;
}

function hhmmss(date: Date): string {
  return date.toISOString().slice(11, 19);
}

// A terminal's line that wraps would throw the cursor-up count off: cut each line to the width.
function fitToWidth(text: string, columns: number | undefined): string {
  if (!columns || columns < 20) return text;
  return text.split('\n').map((l) => ([...l].length >= columns ? `${[...l].slice(0, columns - 2).join('')}…` : l)).join('\n');
}

function machineDocument(frame: WatchFrame): unknown {
  return { ...frame.status, pods: frame.activity?.pods ?? null, events: frame.activity?.events ?? null };
}

/**
 * watchStatus draws the release until its rollout ends (at once when none is in progress), or
 * until interrupted. A terminal gets the frame redrawn in place every read; other outputs get a
 * new frame only when something changed (json: one document per line; yaml: one `---` document).
 */
export async function watchStatus(read: () => Promise<WatchFrame>, o: WatchOutput): Promise<ReleaseStatus> {
  let shown: string | undefined;
  let drawnLines = 0;
  for (;;) {
    const frame = await read();
    const content = JSON.stringify(frame);
    if (o.format === 'json' || o.format === 'yaml') {
      if (content !== shown) o.out.write(o.format === 'json' ? `${JSON.stringify(machineDocument(frame))}\n` : `---\n${renderDocument(machineDocument(frame), 'yaml')}`);
    } else if (o.terminal) {
      const text = fitToWidth(renderWatchFrame(frame, hhmmss(o.clock.now())), o.out.columns);
      // Back to the frame's first line, clear to the end of the screen, draw the new one.
      o.out.write(`${drawnLines ? `\x1b[${drawnLines}A\r\x1b[0J` : ''}${text}\n`);
      drawnLines = text.split('\n').length;
    } else if (content !== shown) {
      o.out.write(`${shown === undefined ? '' : '\n'}${renderWatchFrame(frame, hhmmss(o.clock.now()))}\n`);
    }
    shown = content;
    if (WATCH_ENDS.includes(frame.status.phase)) return frame.status;
    await o.clock.sleep(o.intervalMs);
  }
}

// Where a rollout that ended (or stopped for a person) in another phase than the awaited one
// leaves a script: the exit code of that ending.
const OTHER_ENDING: Partial<Record<StatusPhase, ExitCode>> = { 'rolled-back': EXIT.rolledBack, failed: EXIT.stageFailed, completed: EXIT.blocked };

function describe(s: ReleaseStatus): string {
  return s.stage ? `${s.phase} at stage ${s.stage.number} of ${s.stage.of} (${s.stage.name})` : s.phase;
}

/**
 * waitForPhase re-reads the status until its phase is `phase` and returns it. Throws a CliError
 * (after `onEnd` has the last status, and whether it reached the phase) when the rollout ends in another phase (rolled-back: exit
 * 5, failed: 1, completed: 4) or `timeoutMs` passes first (exit 6). `progress` hears each change.
 */
export async function waitForPhase(
  read: () => Promise<ReleaseStatus>,
  clock: Pick<Clock, 'now' | 'sleep'>,
  options: { phase: StatusPhase; timeoutMs: number; intervalMs: number; progress(line: string): void; onEnd(status: ReleaseStatus, reached: boolean): void },
): Promise<ReleaseStatus> {
  const started = clock.now().getTime();
  let said: string | undefined;
  for (;;) {
    const status = await read();
    const waited = clock.now().getTime() - started;
    if (status.phase === options.phase) {
      options.onEnd(status, true);
      return status;
    }
    const code = OTHER_ENDING[status.phase];
    if (code !== undefined) {
      options.onEnd(status, false);
      throw new CliError(`the rollout of ${status.release} ended ${describe(status)}, not ${options.phase}`, code);
    }
    if (waited >= options.timeoutMs) {
      options.onEnd(status, false);
      throw new CliError(`${status.release} did not reach phase ${options.phase} within ${Math.round(options.timeoutMs / 1000)}s; it is ${describe(status)}`, EXIT.waitTimedOut);
    }
    const now = describe(status);
    if (now !== said) options.progress(`waiting for phase ${options.phase}: ${status.release} is ${now} (${Math.round(waited / 1000)}s of ${Math.round(options.timeoutMs / 1000)}s)`);
    said = now;
    await clock.sleep(Math.min(options.intervalMs, Math.max(1, options.timeoutMs - waited)));
  }
}
