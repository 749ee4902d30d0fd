// Progress while helm runs: on a terminal, one step line with a spinner and the elapsed time;
// elsewhere (CI, pipes), plain lines that read well in a log. Always on stderr, so stdout stays
// clean for --output json.
import type { Reporter } from '../rollout/ports.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** createReporter picks the terminal or the plain form for `stream`. */
export function createReporter(stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): Reporter {
  const interactive = Boolean(stream.isTTY) && !env.CI;
  const write = (line: string) => stream.write(`${line}\n`);
  return {
    info: (message) => write(message),
    warn: (message) => write(`warning: ${message}`),
    task(label) {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      if (interactive) {
        let frame = 0;
        const draw = () => stream.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${label} ${seconds(Date.now() - started)}`);
        draw();
        timer = setInterval(draw, 100);
        timer.unref();
      } else {
        write(`... ${label}`);
      }
      const end = (mark: string, message?: string) => {
        if (timer) clearInterval(timer);
        const text = `${mark} ${label} (${seconds(Date.now() - started)})${message ? `: ${message}` : ''}`;
        if (interactive) stream.write(`\r\x1b[2K${text}\n`);
        else write(text);
      };
      return { done: (m) => end(interactive ? '✔' : 'done', m), fail: (m) => end(interactive ? '✖' : 'FAILED', m) };
    },
  };
}
