// Helm's output through files instead of pipes, for the commands that change the cluster.
//
// Why: when helm-canary dies, the kernel sends helm SIGTERM (parent-death.ts) and helm cancels,
// first printing "Release NAME has been cancelled." to stdout. Through a pipe whose reading end
// died with us, that write fails with EPIPE, the Go runtime turns it into SIGPIPE, and helm dies
// before it records the revision as failed: the release stays pending-upgrade (seen with helm
// 3.17 and 4.1 about half the time, depending on whether our end of the pipe is closed before
// or after the signal arrives). Writes to a file never fail that way, so helm finishes its cancel.
//
// Each stream gets a file that is unlinked as soon as it is opened: helm writes through its
// descriptor, we read through ours, and nothing is left on disk even if we are SIGKILLed.
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type StreamName = 'stdout' | 'stderr';
const STREAMS: readonly StreamName[] = ['stdout', 'stderr'];
const POLL_MS = 100;

interface StreamFile {
  write: number;
  read: number;
  position: number;
  partial: string;
}

/** OutputFiles are the unlinked files a helm run writes its stdout and stderr to. */
export class OutputFiles {
  private readonly files: Record<StreamName, StreamFile>;
  private timer: NodeJS.Timeout | undefined;
  private onLine: ((line: string, stream: StreamName) => void) | undefined;

  private constructor(files: Record<StreamName, StreamFile>) {
    this.files = files;
  }

  /** open creates the two files (readable only by us) and unlinks them at once. */
  static open(): OutputFiles {
    const dir = mkdtempSync(join(tmpdir(), 'helm-canary-output-'));
    const opened: number[] = [];
    try {
      const file = (name: StreamName): StreamFile => {
        const path = join(dir, name);
        const write = openSync(path, 'w', 0o600);
        opened.push(write);
        const read = openSync(path, 'r');
        opened.push(read);
        return { write, read, position: 0, partial: '' };
      };
      return new OutputFiles({ stdout: file('stdout'), stderr: file('stderr') });
    } catch (error) {
      for (const fd of opened) closeSync(fd);
      throw error;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** fds are the descriptors to give helm as its stdout and stderr. */
  get fds(): { stdout: number; stderr: number } {
    return { stdout: this.files.stdout.write, stderr: this.files.stderr.write };
  }

  /** follow hands new complete lines to onLine while helm runs, until stop(). */
  follow(onLine: (line: string, stream: StreamName) => void): void {
    this.onLine = onLine;
    this.timer = setInterval(() => {
      for (const name of STREAMS) this.emitLines(name, onLine, false);
    }, POLL_MS);
  }

  /** finish stops following (emitting what is left, a last line without newline included) and returns all output. */
  finish(): { stdout: string; stderr: string } {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const onLine = this.onLine;
    this.onLine = undefined;
    if (onLine) for (const name of STREAMS) this.emitLines(name, onLine, true);
    // Like execa: the whole output, without its final newline.
    const all = (name: StreamName) => readAll(this.files[name].read).replace(/\r?\n$/, '');
    return { stdout: all('stdout'), stderr: all('stderr') };
  }

  /** close releases the descriptors (the files' space with them, once helm has exited). */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    for (const name of STREAMS) {
      for (const fd of [this.files[name].write, this.files[name].read]) {
        try {
          closeSync(fd);
        } catch {
          // already closed
        }
      }
    }
  }

  private emitLines(name: StreamName, onLine: (line: string, stream: StreamName) => void, final: boolean): void {
    const file = this.files[name];
    const chunk = readFrom(file.read, file.position);
    file.position += chunk.length;
    // Decode only complete lines: a multi-byte character split across polls stays in `partial`'s bytes.
    const text = file.partial + chunk.toString('latin1');
    const lines = text.split('\n');
    file.partial = lines.pop() ?? '';
    if (final && file.partial) {
      lines.push(file.partial);
      file.partial = '';
    }
    for (const line of lines) onLine(Buffer.from(line, 'latin1').toString('utf8').replace(/\r$/, ''), name);
  }
}

function readFrom(fd: number, position: number): Buffer {
  const size = fstatSync(fd).size;
  if (size <= position) return Buffer.alloc(0);
  const buffer = Buffer.alloc(size - position);
  let done = 0;
  while (done < buffer.length) {
    const n = readSync(fd, buffer, done, buffer.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return buffer.subarray(0, done);
}

function readAll(fd: number): string {
  return readFrom(fd, 0).toString('utf8');
}
