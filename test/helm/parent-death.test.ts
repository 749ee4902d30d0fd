// A helm-canary that is killed (SIGKILL: a cancelled CI job, the OOM killer) must not leave its
// `helm upgrade` running and changing the cluster. On Linux the runner starts helm under
// `setpriv --pdeathsig TERM`, so the kernel sends helm SIGTERM when we die. These tests kill a
// node process that runs an ExecaHelmRunner (upgrade-child.ts) and watch its helm: a fake one
// that records the signal it got, and the real helm 3 and 4 against the simulated cluster. They
// also check that wrapping helm changes nothing in how failures to start it are reported.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type Cluster } from '../../sim/cluster.js';
import { KINDS } from '../../sim/store/resources.js';
import { ExecaHelmRunner, HelmError } from '../../src/helm/index.js';
import { parentDeathWrapper, setprivExecFailure } from '../../src/helm/parent-death.js';
import { HELM_MAJORS, helmBinaries, isolatedHelmEnv, repoRoot, type IsolatedHelm } from './helm-env.js';

const CHILD = join(repoRoot, 'test', 'helm', 'upgrade-child.ts');
const CHART = join(repoRoot, 'charts', 'canary-app');
const setpriv = await parentDeathWrapper();
const noSetpriv = setpriv ? false : 'no setpriv with --pdeathsig here (not Linux, or util-linux too old)';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Alive means signal 0 reaches it and it is not a zombie waiting for a parent to reap it.
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (macOS): signal 0 is all we have
  }
}

async function until<T>(what: string, ms: number, check: () => T | undefined | false): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

// Runs upgrade-child.ts: a node process whose ExecaHelmRunner runs one upgrade.
function startChild(config: { binary: string; argv: string[]; env?: Record<string, string>; killWithParent?: boolean }): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(config)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return Object.assign(child, { output: () => output });
}

async function killHard(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('setpriv\'s failure to exec helm is recognised', () => {
  it('127 with setpriv\'s prefix is ENOENT, 126 EACCES, anything else is helm\'s own failure', () => {
    assert.equal(setprivExecFailure(127, 'setpriv: failed to execute helm: No such file or directory\n'), 'ENOENT');
    assert.equal(setprivExecFailure(126, 'setpriv: failed to execute /tmp/helm: Permission denied'), 'EACCES');
    assert.equal(setprivExecFailure(127, 'Error: plugin "x" exited with error'), undefined);
    assert.equal(setprivExecFailure(1, 'setpriv: failed to execute helm: No such file or directory'), undefined);
    assert.equal(setprivExecFailure(undefined, ''), undefined);
  });
});

describe('failing to start helm is reported the same with and without setpriv', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'helm-canary-spawn-'));
    writeFileSync(join(dir, 'not-executable'), '#!/bin/sh\n');
    chmodSync(join(dir, 'not-executable'), 0o644);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('uses setpriv on Linux when it has one', { skip: process.platform !== 'linux' || !existsSync('/usr/bin/setpriv') }, () => {
    assert.equal(setpriv, '/usr/bin/setpriv');
  });

  for (const killWithParent of [true, false]) {
    it(`a missing binary is kind not-found, naming helm, not setpriv (killWithParent ${killWithParent})`, async () => {
      for (const binary of [join(dir, 'no-such-helm'), 'no-such-helm-on-path']) {
        const runner = new ExecaHelmRunner({ binary, killWithParent });
        for (const call of [() => runner.version(), () => runner.upgrade(['upgrade', 'shop', CHART]), () => runner.lint(CHART)]) {
          const error = await call().then(() => assert.fail('expected a HelmError'), (e: unknown) => e);
          assert.ok(error instanceof HelmError, String(error));
          assert.equal(error.kind, 'not-found', error.message);
          assert.equal(error.binary, binary);
          assert.equal(error.exitCode, undefined);
          assert.equal(error.stderr, '');
          assert.doesNotMatch(error.message, /setpriv/);
          assert.match(error.message, new RegExp(`could not run ${binary}: not found`));
        }
      }
    });

    it(`a binary that cannot be executed is EACCES (killWithParent ${killWithParent})`, async () => {
      const binary = join(dir, 'not-executable');
      const error = await new ExecaHelmRunner({ binary, killWithParent }).version().then(() => assert.fail('expected a HelmError'), (e: unknown) => e);
      assert.ok(error instanceof HelmError, String(error));
      assert.equal(error.exitCode, undefined);
      assert.match(error.message, new RegExp(`could not run ${binary}: EACCES`));
      assert.doesNotMatch(error.message, /setpriv/);
    });
  }
});

describe('helm started by a process that gets SIGKILL', () => {
  let dir: string;
  let fakeHelm: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'helm-canary-pdeath-'));
    fakeHelm = join(dir, 'fake-helm');
    // Trap first, then tell the test our pid. On TERM it does what helm does: print that the
    // release was cancelled, then record it. It waits a little before printing, so our end of
    // its output is surely gone by then: through a pipe, that print would kill it (SIGPIPE).
    writeFileSync(
      fakeHelm,
      [
        '#!/bin/sh',
        'trap \'kill $sleeper 2>/dev/null; sleep 0.3; echo "Release shop has been cancelled."; echo TERM > "$FAKE_HELM_DIR/signal"; exit 143\' TERM',
        'sleep 30 & sleeper=$!',
        'echo $$ > "$FAKE_HELM_DIR/pid"',
        'wait $sleeper',
        '',
      ].join('\n'),
    );
    chmodSync(fakeHelm, 0o755);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function runAndKillParent(killWithParent: boolean): Promise<{ pid: number; runDir: string }> {
    const runDir = mkdtempSync(join(dir, 'run-'));
    const child = startChild({ binary: fakeHelm, argv: ['upgrade', '--install', 'shop', CHART], env: { FAKE_HELM_DIR: runDir }, killWithParent });
    const pid = await until('the fake helm to start', 10_000, () => {
      if (child.exitCode !== null) throw new Error(`the child exited early:\n${child.output()}`);
      return existsSync(join(runDir, 'pid')) && Number(readFileSync(join(runDir, 'pid'), 'utf8')) || undefined;
    });
    assert.ok(alive(pid));
    await killHard(child);
    return { pid, runDir };
  }

  it('is sent SIGTERM, can still print, and is gone within 3 s', { skip: noSetpriv }, async () => {
    const { pid, runDir } = await runAndKillParent(true);
    try {
      await until('the fake helm to stop', 3000, () => !alive(pid));
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGTERM');
    }
    assert.equal(readFileSync(join(runDir, 'signal'), 'utf8').trim(), 'TERM', 'it got SIGTERM and printed after we died without dying of SIGPIPE');
  });

  it('(control) keeps running when spawned without setpriv: what the wrapper fixes', async () => {
    const { pid } = await runAndKillParent(false);
    try {
      await sleep(1000);
      assert.ok(alive(pid), 'an orphaned helm goes on');
    } finally {
      process.kill(pid, 'SIGTERM');
    }
  });
});

for (const major of HELM_MAJORS) {
  describe(`the real helm ${major} whose parent gets SIGKILL during upgrade --wait`, { skip: noSetpriv }, () => {
    let cluster: Cluster;
    let isolated: IsolatedHelm;
    let env: Record<string, string>;
    let binary: string;
    before(async () => {
      binary = (await helmBinaries())[major];
      // Pods never become ready: `--wait` goes on until killed.
      cluster = await startCluster({ namespaces: ['shop'], podReadyDelayMs: 600_000, podTerminationDelayMs: 0, meshPropagationDelayMs: 0 });
      isolated = isolatedHelmEnv();
      env = { ...isolated.env, KUBECONFIG: cluster.kubeconfigPath };
    });
    after(async () => {
      await cluster?.stop();
      isolated?.cleanup();
    });

    it('stops, and marks the release failed instead of leaving it pending-upgrade', async () => {
      const runner = new ExecaHelmRunner({ binary, env });
      await runner.upgrade(['upgrade', '--install', 'pp', CHART, '--namespace', 'shop']);
      const child = startChild({
        binary, env,
        argv: ['upgrade', '--install', 'pp', CHART, '--namespace', 'shop', '--set-string', 'productionDeployment.image.tag=2', '--wait', '--timeout', '1m'],
      });
      await until('helm to start waiting (revision 2 pending-upgrade)', 15_000, () => {
        if (child.exitCode !== null) throw new Error(`the child exited early:\n${child.output()}`);
        const secret = cluster.store.get(KINDS.secret, 'shop', 'sh.helm.release.v1.pp.v2');
        return secret?.metadata.labels?.status === 'pending-upgrade';
      });
      // helm is the child process whose command line names the helm binary (setpriv exec'd it).
      const pids = readdirSync(`/proc/${child.pid}/task`).flatMap((task) =>
        readFileSync(`/proc/${child.pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
      const helmPid = pids.find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] === binary);
      assert.ok(helmPid, `no helm among ${pids.join(', ')}`);
      await killHard(child);
      try {
        // Helm writes the failed revision before it exits: about 2 s on the simulated cluster.
        await until('helm to stop', 10_000, () => !alive(helmPid));
      } finally {
        if (alive(helmPid)) process.kill(helmPid, 'SIGKILL');
      }
      const status = await runner.status('pp', 'shop');
      assert.equal(status.revision, 2);
      assert.equal(status.status, 'failed');
      assert.match(status.description, /context canceled/);
    });
  });
}
