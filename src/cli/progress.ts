// Progress while helm runs: on a terminal, one step line with a spinner and the elapsed time;
// elsewhere (CI, pipes, TERM=dumb, NO_COLOR), plain lines that read well in a log, and no escape
// codes. In GitHub Actions and Azure Pipelines each step is a collapsible log group holding helm's
// own output of that step, and warnings are annotations. With --debug every helm command and its
// output are shown too. Always on stderr, so stdout stays clean for --output json.
import type { Outcome, Reporter } from '../rollout/ports.js';
import { describeWait, readyText } from '../rollout/wait-for-pods.js';
import { detectCi, groupEnd, groupStart, isCi, warningAnnotation } from '../ci/index.js';
import { shellQuote } from '../text/shell-quote.js';
import type { Writer } from './cli-deps.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** outcomeText words what a command achieved; a dry run's outcome is what would be. */
export function outcomeText(outcome: Outcome, dryRun: boolean): string {
  switch (outcome.kind) {
    case 'rollout-recorded':
      return dryRun
        ? `[dry run] would record a rollout of ${outcome.release}: ${outcome.stableTag} -> ${outcome.newTag} (plan ${outcome.plan})`
        : `rollout of ${outcome.release} recorded: ${outcome.stableTag} -> ${outcome.newTag} (plan ${outcome.plan})`;
    case 'stage-reached':
      return dryRun
        ? `[dry run] stage ${outcome.stage} of ${outcome.of} (${outcome.name}) would be in place`
        : `stage ${outcome.stage} of ${outcome.of} (${outcome.name}) is in place`;
    case 'rolled-back':
      return dryRun
        ? `[dry run] would roll back: ${outcome.release} would run ${outcome.tag} with all traffic on production`
        : `rolled back: ${outcome.release} runs ${outcome.tag} with all traffic on production`;
    case 'deployed':
      return dryRun
        ? `[dry run] ${outcome.release} would run ${outcome.image} with all traffic on production`
        : `${outcome.release} runs ${outcome.image} with all traffic on production`;
    case 'detached':
      return dryRun
        ? `[dry run] ${outcome.release} would run ${outcome.image} as its chart alone renders it, without helm-canary's overlay`
        : `${outcome.release} runs ${outcome.image} as its chart alone renders it, without helm-canary's overlay`;
  }
}

/** ReporterOptions: whether outcomes are a dry run's, whether helm's output is shown (--debug), and the clock elapsed times are read from (tests fix it). */
export interface ReporterOptions {
  dryRun?: boolean;
  debug?: boolean;
  now?: () => number;
}

/**
 * terminalEffects says whether `stream` may get a spinner and escape codes: a terminal, no CI, and
 * neither TERM=dumb nor NO_COLOR (https://no-color.org) in the environment.
 */
export function terminalEffects(stream: Writer, env: NodeJS.ProcessEnv): boolean {
  return Boolean(stream.isTTY) && !isCi(env) && env.TERM !== 'dumb' && !env.NO_COLOR;
}

// A helm line as --debug shows it: which stream, so a warning on stderr stands out.
function helmLine(line: string, stream: 'stdout' | 'stderr'): string {
  return `  helm${stream === 'stderr' ? ' (stderr)' : ''}: ${line}`;
}

/** createReporter picks the terminal, the CI or the plain form for `stream`. */
export function createReporter(stream: Writer = process.stderr, env: NodeJS.ProcessEnv = process.env, options: ReporterOptions = {}): Reporter {
  const now = options.now ?? Date.now;
  const ci = detectCi(env);
  const interactive = terminalEffects(stream, env);
  // On a terminal a line written while the spinner runs first clears the spinner's line; the
  // spinner redraws below it on its next tick.
  let spinning = false;
  const write = (line: string) => stream.write(`${spinning ? '\r\x1b[2K' : ''}${line}\n`);
  // CI logs cannot nest groups: only the outermost running task opens one.
  let openGroups = 0;
  // What the running step's spinner shows after its label (the wait's ready counts).
  let spinnerNote: { set(note: string): void } | undefined;
  // helm's output belongs in a CI log group (the step's own) or, with --debug, anywhere. A group
  // holds the calls that change the release (upgrade, rollback), not the reads around them: a
  // manifest or the release's values (which may hold secrets) do not belong in a kept CI log.
  let showing = false;
  const showHelm = (argv: readonly string[]) => options.debug === true || (openGroups > 0 && (argv[0] === 'upgrade' || argv[0] === 'rollback'));
  return {
    info: (message) => write(message),
    outcome: (outcome) => write(outcomeText(outcome, options.dryRun ?? false)),
    warn: (message) => write(ci ? warningAnnotation(ci, message) : `warning: ${message}`),
    waiting(progress) {
      // A terminal shows the counts on the step's spinner line; a log gets a line each time.
      if (spinnerNote) spinnerNote.set(readyText(progress) || `${progress.missing.length} checks missing`);
      else write(describeWait(progress));
    },
    helmCommand(binary, argv) {
      showing = showHelm(argv);
      if (showing) write(`  $ ${[binary, ...argv].map(shellQuote).join(' ')}`);
    },
    helmOutput(line, from) {
      if (showing) write(helmLine(line, from));
    },
    task(label) {
      // A dry run runs nothing: its steps are the "would apply" lines, not steps done.
      if (options.dryRun) return { done: () => undefined, fail: (m) => write(`FAILED ${label}${m ? `: ${m}` : ''}`) };
      const started = now();
      let timer: NodeJS.Timeout | undefined;
      const grouped = ci !== undefined && openGroups === 0;
      let mine: typeof spinnerNote;
      if (interactive && !spinning) {
        let frame = 0;
        let note = '';
        const draw = () => stream.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${label} ${seconds(now() - started)}${note ? `  ${note}` : ''}`);
        mine = { set: (text) => { note = text; } };
        spinnerNote = mine;
        draw();
        spinning = true;
        timer = setInterval(draw, 100);
        timer.unref();
      } else if (grouped) {
        openGroups++;
        write(groupStart(ci, label));
      } else {
        write(`... ${label}`);
      }
      let ended = false;
      const end = (mark: string, message?: string) => {
        if (ended) return;
        ended = true;
        const text = `${mark} ${label} (${seconds(now() - started)})${message ? `: ${message}` : ''}`;
        if (timer) {
          clearInterval(timer);
          if (spinnerNote === mine) spinnerNote = undefined;
          stream.write(`\r\x1b[2K${text}\n`);
          spinning = false;
        } else if (grouped) {
          // The result goes after the group, so it shows while the group is collapsed.
          write(groupEnd(ci));
          openGroups--;
          write(text);
        } else write(text);
      };
      return { done: (m) => end(interactive ? '✔' : 'done', m), fail: (m) => end(interactive ? '✖' : 'FAILED', m) };
    },
  };
}
