// The one fake world every port shares: fake time, the cluster, helm's releases, the record, the
// lease and the values files, plus the command running now with its fault. Every port call goes
// through `enter`, which is where a kill or a mid-command fault strikes, so "kill between any two
// port calls" is one counter.
import type { RolloutRecord } from '../../../src/rollout/ports.js';
import type { StageValues } from '../../../src/engine/index.js';
import { Killed, type CommandFault } from './faults.js';
import type { FakeCluster, Pod } from './fake-cluster.js';
import type { FakeHelm } from './fake-helm.js';
import type { FakeRecordStore } from './fake-record-store.js';
import type { FakeLock } from './fake-lock.js';
import type { MemoryValuesFiles } from './memory-values-files.js';

/** WorldConfig is the release the model rolls out and the knobs helm and the lease run with. */
export interface WorldConfig {
  release: string;
  namespace: string;
  repository: string;
  replicas: number;
  helmTimeoutMs: number;
  lockTtlSeconds: number;
}

/**
 * WorldHooks are called by the fakes at the moments an invariant is judged; the model installs
 * them (test/model/invariants.ts) so the fakes stay plain simulations.
 */
export interface WorldHooks {
  /** An apply (upgrade or rollback) is about to change the cluster from what it is now to `values`. */
  beforeApply?(values: StageValues, how: 'upgrade' | 'rollback'): void;
  /** The Deployment controller is about to terminate `pod`. */
  beforePodRemoved?(pod: Pod, reason: string): void;
  /** A record write succeeded; `previous` is the record it replaced. */
  recordWritten?(record: RolloutRecord, previous: RolloutRecord | undefined): void;
}

/** CommandRun is one command (one process) running against the world. */
export interface CommandRun {
  name: string;
  holder: string;
  dryRun: boolean;
  /** status and the model's own probes: any mutating call is a violation. */
  readOnly: boolean;
  fault?: CommandFault;
  calls: number;
  /** Calls per port ("helm.upgrade": 2), for faults that name a port. */
  portCalls: Record<string, number>;
  /** Record store calls of every kind, for the 500 fault. */
  recordCalls: number;
  /** Set once the process died (a kill fault): every later port call throws Killed. */
  dead: boolean;
  /** The port call the process died at. */
  diedAt?: string;
  /** What the fault did, when it struck; undefined when it never came (too few calls). */
  faultStruck?: string;
  /** The call at which a lease-lost fault struck: changes from a later call on are the runner's. */
  leaseLostAtCall?: number;
}

/** Violation is one broken invariant, with when and in which step it broke. */
export interface Violation {
  invariant: string;
  message: string;
  step: number;
  at: string;
}

/** MAX_CALLS_PER_COMMAND stops a runner that loops forever on fake time. */
const MAX_CALLS_PER_COMMAND = 100_000;

// strikesHere tells whether a call-counted fault strikes at this call (helm and record API faults
// count their own calls, in FakeHelm and FakeRecordStore).
function strikesHere(f: CommandFault, call: number, port: string, nthOfPort: number): boolean {
  if (f.kind === 'helm-error' || f.kind === 'record-api') return false;
  if (f.kind === 'kill' && f.port !== undefined) return f.port === port && f.atCall === nthOfPort;
  return f.atCall === call;
}

/** World is the shared state of the fakes; the fakes are attached by createWorld (index.ts). */
export class World {
  /** Fake time in epoch milliseconds. */
  time = Date.parse('2026-01-01T00:00:00.000Z');
  readonly startTime = this.time;
  /** The model step running now (for violations). */
  step = 0;
  readonly violations: Violation[] = [];
  hooks: WorldHooks = {};
  command: CommandRun | undefined;
  /** The stable tag of the last rollout the tool recorded: what a rollback without record must restore. */
  lastRecordedStable: string | undefined;

  cluster!: FakeCluster;
  helm!: FakeHelm;
  records!: FakeRecordStore;
  lock!: FakeLock;
  valuesFiles!: MemoryValuesFiles;

  constructor(readonly config: WorldConfig) {}

  /** clockText renders fake time as minutes and seconds since the model began, for messages. */
  clockText(t = this.time): string {
    const s = (t - this.startTime) / 1000;
    return `t+${Math.floor(s / 60)}m${(s % 60).toFixed(1).padStart(4, '0')}s`;
  }

  violate(invariant: string, message: string): void {
    this.violations.push({ invariant, message, step: this.step, at: this.clockText() });
  }

  /** beginCommand starts a new process: a fresh call count, its own lease holder identity. */
  beginCommand(run: Pick<CommandRun, 'name' | 'holder' | 'dryRun' | 'readOnly' | 'fault'>): CommandRun {
    this.command = { ...run, calls: 0, portCalls: {}, recordCalls: 0, dead: false };
    return this.command;
  }

  /** endCommand is the process exiting: its lease stops being renewed, whatever it did with it. */
  endCommand(): void {
    if (this.command) this.lock.holderExited(this.command.holder);
    this.command = undefined;
  }

  /**
   * enter is the start of every port call. Throws Killed when the process is dead or dies here;
   * returns landKill when the call must take effect and then die (a kill that "landed").
   */
  enter(port: string, mutating: boolean): { landKill: boolean } {
    const c = this.command;
    if (!c) return { landKill: false };
    if (c.dead) throw new Killed(`${port} (after death)`);
    c.calls++;
    const nth = (c.portCalls[port] = (c.portCalls[port] ?? 0) + 1);
    if (c.calls > MAX_CALLS_PER_COMMAND) {
      this.violate('runaway', `${c.name} made more than ${MAX_CALLS_PER_COMMAND} port calls`);
      this.die(port);
      throw new Killed(`${port} (runaway)`);
    }
    if (mutating && (c.dryRun || c.readOnly)) {
      this.violate(c.dryRun ? 'dry-run-changed' : 'read-only-changed', `${c.name}${c.dryRun ? ' --dry-run' : ''} called ${port}, which changes the release`);
    }
    const f = c.fault;
    if (f && c.faultStruck === undefined && strikesHere(f, c.calls, port, nth)) {
      c.faultStruck = `${f.kind} at call ${c.calls} (${port} #${nth})`;
      if (f.kind === 'record-deleted') this.records.deleteRecord();
      if (f.kind === 'lease-lost') {
        this.lock.lose(f.how);
        c.leaseLostAtCall = c.calls;
      }
      if (f.kind === 'kill') {
        if (mutating && f.landed) return { landKill: true };
        this.die(port);
        throw new Killed(port);
      }
    }
    return { landKill: false };
  }

  /** die marks the running process dead; its lease is no longer renewed from now on. */
  die(port: string): void {
    const c = this.command;
    if (!c || c.dead) return;
    c.dead = true;
    c.diedAt = port;
    if (c.fault?.kind === 'kill' && c.fault.signal) this.lock.releasedBySignal(c.holder);
    this.lock.holderExited(c.holder);
  }

  /** advance lets `ms` of fake time pass, the cluster progressing event by event. */
  advance(ms: number): void {
    this.advanceUntil(() => false, this.time + Math.max(0, ms));
  }

  /**
   * advanceUntil lets time pass until `done()` holds (true) or `deadline` passes (false). The
   * cluster changes only at its events (a pod ready, broken or gone) and at applies, which settle
   * it themselves, so the controller runs at each event and nowhere else.
   */
  advanceUntil(done: () => boolean, deadline: number): boolean {
    if (done()) return true;
    for (;;) {
      const next = this.cluster.nextEventAfter(this.time);
      if (next === undefined || next > deadline) {
        this.time = Math.max(this.time, deadline);
        return done();
      }
      this.time = next;
      this.cluster.settle();
      if (done()) return true;
    }
  }
}
