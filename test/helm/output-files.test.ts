// OutputFiles: the unlinked files helm writes its output to when it runs a command that changes
// the cluster (so a helm that outlives us can still print and record its cancel).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fstatSync, writeSync } from 'node:fs';
import { OutputFiles } from '../../src/helm/output-files.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('OutputFiles', () => {
  it('leaves nothing on disk, even while open (the files are unlinked at once)', () => {
    const files = OutputFiles.open();
    try {
      assert.equal(fstatSync(files.fds.stdout).nlink, 0);
      assert.equal(fstatSync(files.fds.stderr).nlink, 0);
    } finally {
      files.close();
    }
  });

  it('streams complete lines while written, then the rest, and returns all output like execa', async () => {
    const files = OutputFiles.open();
    try {
      const lines: string[] = [];
      files.follow((line, stream) => lines.push(`${stream}: ${line}`));
      const euro = Buffer.from('€'); // three bytes, split across two writes
      writeSync(files.fds.stdout, 'Release "shop" has been upgraded.\nprice ');
      writeSync(files.fds.stdout, euro.subarray(0, 1));
      writeSync(files.fds.stderr, 'level=WARN msg="slow"\r\n');
      await sleep(250);
      assert.deepEqual(lines, ['stdout: Release "shop" has been upgraded.', 'stderr: level=WARN msg="slow"']);
      writeSync(files.fds.stdout, euro.subarray(1));
      writeSync(files.fds.stdout, '5\nREVISION: 2\n');
      writeSync(files.fds.stderr, 'no newline at the end');
      const output = files.finish();
      assert.deepEqual(lines.slice(2), ['stdout: price €5', 'stdout: REVISION: 2', 'stderr: no newline at the end']);
      assert.deepEqual(output, {
        stdout: 'Release "shop" has been upgraded.\nprice €5\nREVISION: 2',
        stderr: 'level=WARN msg="slow"\r\nno newline at the end',
      });
    } finally {
      files.close();
    }
  });

  it('returns empty output when nothing was written', () => {
    const files = OutputFiles.open();
    try {
      assert.deepEqual(files.finish(), { stdout: '', stderr: '' });
    } finally {
      files.close();
    }
  });
});
