// Progress while helm runs: on a terminal, one step line with a spinner and the elapsed time;
// elsewhere (CI, pipes), plain lines that read well in a log. In GitHub Actions and Azure
// Pipelines each step is a collapsible log group and warnings are annotations. Always on
// stderr, so stdout stays clean for --output json.
import type { Outcome, Reporter } from '../rollout/ports.js';
import { detectCi, groupEnd, groupStart, warningAnnotation } from '../ci/index.js';
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
  }
}

/** ReporterOptions: whether outcomes are a dry run's, and the clock elapsed times are read from (tests fix it). */
export interface ReporterOptions {
  dryRun?: boolean;
  now?: () => number;
}

/** createReporter picks the terminal, the CI or the plain form for `stream`. */
export function createReporter(stream: Writer = process.stderr, env: NodeJS.ProcessEnv = process.env, options: ReporterOptions = {}): Reporter {
  const now = options.now ?? Date.now;
  const ci = detectCi(env);
  const interactive = Boolean(stream.isTTY) && !env.CI && !ci;
  const write = (line: string) => stream.write(`${line}\n`);
  // CI logs cannot nest groups: only the outermost running task opens one.
  let openGroups = 0;
  return {
    info: (message) => write(message),
    outcome: (outcome) => write(outcomeText(outcome, options.dryRun ?? false)),
    warn: (message) => write(ci ? warningAnnotation(ci, message) : `warning: ${message}`),
    task(label) {
      // A dry run runs nothing: its steps are the "would apply" lines, not steps done.
      if (options.dryRun) return { done: () => undefined, fail: (m) => write(`FAILED ${label}${m ? `: ${m}` : ''}`) };
      const started = now();
      let timer: NodeJS.Timeout | undefined;
      const grouped = ci !== undefined && openGroups === 0;
      if (interactive) {
        let frame = 0;
        const draw = () => stream.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${label} ${seconds(now() - started)}`);
        draw();
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
        if (timer) clearInterval(timer);
        const text = `${mark} ${label} (${seconds(now() - started)})${message ? `: ${message}` : ''}`;
        if (interactive) stream.write(`\r\x1b[2K${text}\n`);
        else if (grouped) {
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
