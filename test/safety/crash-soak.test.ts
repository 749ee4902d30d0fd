// Crash soak: for each seed of a fixed list, a seeded PRNG picks a command (promote --to k, or
// rollback from a stage it first reaches) and a moment to SIGKILL it, either the node process
// alone (its helm runs on and finishes) or its whole process group (helm dies with it and leaves
// the release pending-upgrade). Then, as an operator would, `status` and the same command again
// (with --recover when helm is pending). The rollout must end where the command meant it to, the
// record and the cluster must agree, no stage may have been skipped, and helm must not be pending.
// CI runs seeds 1-3 and 7 (7 once found a promote killed between its last apply and its record
// write, leaving the record a stage behind); HELM_CANARY_SOAK_SEEDS=N runs seeds 1..N. It runs on
// the simulator and, through E2E_KUBECONFIG, on the real control plane (`npm run test:real`).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { seededRandom } from '../../sim/mesh/random.js';
import { cliPath, type CliResult } from '../helpers/run-cli.js';
import { givenCluster, type Env } from '../helpers/e2e.js';
import { e2eKubeconfig } from '../helpers/e2e-target.js';
import type { HistoryEntry, RolloutRecord } from '../../src/rollout/ports.js';

const SEED_COUNT = Number(process.env.HELM_CANARY_SOAK_SEEDS) > 0 ? Math.floor(Number(process.env.HELM_CANARY_SOAK_SEEDS)) : 3;
const SEEDS = process.env.HELM_CANARY_SOAK_SEEDS ? Array.from({ length: SEED_COUNT }, (_, i) => i + 1) : [1, 2, 3, 7];
// A killed run's lease expires after a second, so the re-run waits briefly instead of a minute.
const TTL = { HELM_CANARY_LOCK_TTL_SECONDS: '1' };
// Short pod delays leave helm --wait, the drain and the verification long enough to be hit.
const CLUSTER = { podReadyDelayMs: 150, podTerminationDelayMs: 50, meshPropagationDelayMs: 50 };

/** Trial is what one seed decided. */
interface Trial {
  seed: number;
  /** The stage reached without a kill before the killed command (2 right after start). */
  from: number;
  command: string[];
  /** The stage the command means to reach: k for promote --to k, 1 for rollback. */
  intended: number;
  /** Kill once the cluster saw this many writes in the release's namespace (0: by time alone)... */
  killAfterEvents: number;
  /** ...and this many milliseconds more. */
  killAfterMs: number;
  killGroup: boolean;
}

function pickTrial(seed: number): Trial {
  const random = seededRandom(seed * 7919);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const rollbackCase = random() < 0.4;
  const from = rollbackCase ? int(2, 7) : int(2, 5);
  const intended = rollbackCase ? 1 : int(from + 1, 7);
  // Kill points: a fifth before the first write (node's start, config, helm version, lease), the
  // rest after the n-th write the cluster sees (lease, record, helm's release secrets, objects,
  // pods), which spreads them over the applies, helm's pending window, drains and record saves.
  // A stage makes 13 to 36 writes in this cluster.
  const stages = rollbackCase ? 2 : intended - from;
  const byTime = random() < 0.2;
  const command = rollbackCase ? ['rollback'] : ['promote', '--to', String(intended)];
  return { seed, from, command, intended, killAfterEvents: byTime ? 0 : int(1, 18 * stages + 4), killAfterMs: byTime ? int(0, 600) : int(0, 100), killGroup: random() < 0.5 };
}

async function recordOf(env: Env): Promise<RolloutRecord> {
  const cm = await env.get('configMap', `helm-canary-${env.release}`);
  assert.ok(cm, 'the rollout record exists');
  return JSON.parse(cm.data['record.json']) as RolloutRecord;
}

/**
 * countWrites calls `onWrite` for every write to the release's namespace: synchronously from the
 * simulator's store (kill points land exactly where the regression seeds found them), or from
 * watches on the API server, one per kind the tool, helm and the controllers write.
 */
async function countWrites(env: Env, onWrite: () => void): Promise<() => void> {
  if (env.sim) return env.sim.store.subscribe((e) => e.object.metadata.namespace === env.namespace && onWrite());
  const { KubeConfig, Watch } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromFile(e2eKubeconfig!);
  const collections = ['/api/v1/configmaps', '/api/v1/secrets', '/api/v1/pods', '/apis/apps/v1/deployments', '/apis/apps/v1/replicasets', '/apis/coordination.k8s.io/v1/leases', '/apis/networking.istio.io/v1/virtualservices'];
  const aborts = await Promise.all(collections.map(async (collection) => {
    const cut = collection.lastIndexOf('/');
    const path = `${collection.slice(0, cut)}/namespaces/${env.namespace}${collection.slice(cut)}`;
    // From the list's resourceVersion: the objects that exist already are not writes.
    const list = await env.api.call('GET', path);
    return new Watch(kc).watch(path, { resourceVersion: list.body.metadata.resourceVersion }, (type) => type !== 'BOOKMARK' && onWrite(), () => {});
  }));
  return () => aborts.forEach((a) => a.abort());
}

/** checkHistory walks the rollout's history: promotes go one stage at a time, from where the last left off. */
function checkHistory(history: HistoryEntry[], finalStage: number): void {
  let stage = 1;
  for (const e of history) {
    const where = JSON.stringify(e);
    if (e.action === 'start') {
      assert.equal(e.to, 1, where);
      stage = 1;
    } else if (e.action === 'promote' || e.action === 'fail') {
      assert.equal(e.from, stage, `a transition from another stage than the current one (${stage}): ${where}`);
      assert.equal(e.to, e.from + 1, `a stage skipped: ${where}`);
      if (e.action === 'promote' && e.result === 'ok') stage = e.to;
    } else if (e.action === 'rollback' && e.result === 'ok') {
      stage = 1;
    }
  }
  assert.equal(stage, finalStage, `history ends at stage ${stage}, record says ${finalStage}`);
}

async function status(env: Env): Promise<any> {
  const r = await env.cli(['status', '-o', 'json']);
  assert.equal(r.exitCode, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** rerun runs the command again as an operator would: --recover when helm is pending, waiting out the lease. */
async function rerun(env: Env, command: string[]): Promise<{ result: CliResult; recovered: boolean }> {
  const pending = String((await status(env)).helm?.status ?? '').startsWith('pending');
  const argv = pending ? [...command, '--recover'] : command;
  let result = await env.cli(argv, TTL);
  for (let i = 0; i < 80 && result.exitCode === 4 && /locked by/.test(result.stderr); i++) {
    await sleep(250);
    result = await env.cli(argv, TTL);
  }
  return { result, recovered: pending };
}

const tally = { tried: 0, landed: 0, groupKills: 0, leftPending: 0, recovered: 0 };

// Seeds run two at a time, each on its own cluster: kill points are counted in the cluster's
// writes, not in wall time, so a busy machine moves them little.
describe('crash soak: SIGKILL during promote or rollback, then status and the same command again', { concurrency: 2 }, () => {
  after(() => {
    // BENCHMARKS.md quotes this line.
    console.log(`# crash soak: ${tally.tried} kill points tried, ${tally.landed} while the command ran (${tally.groupKills} with its helm), helm left pending ${tally.leftPending} times, --recover used ${tally.recovered} times`);
  });

  for (const seed of SEEDS) {
    const trial = pickTrial(seed);
    it(`seed ${seed}: ${trial.command.join(' ')} from stage ${trial.from}, killed${trial.killGroup ? ' with its helm' : ''} after ${trial.killAfterEvents} writes + ${trial.killAfterMs} ms`, async (t) => {
      const env = await givenCluster(4, { release: `soak${seed}`, cluster: CLUSTER, config: { helm: { timeout: '30s' } } });
      try {
        assert.equal((await env.cli(['deploy', '--tag', '1.0'])).exitCode, 0);
        assert.equal((await env.cli(['start', '--new-tag', '2.0'])).exitCode, 0);
        if (trial.from > 2) assert.equal((await env.cli(['promote', '--to', String(trial.from)])).exitCode, 0);

        // Counting starts before the run does: its first writes count too.
        let writes = 0;
        let reached!: () => void;
        const enough = new Promise<void>((resolve) => (reached = resolve));
        if (trial.killAfterEvents === 0) reached();
        const unsubscribe = await countWrites(env, () => {
          if (++writes >= trial.killAfterEvents) reached();
        });
        // The run to kill: its own process group, so -pid reaches helm too.
        const child = execa(process.execPath, [cliPath, ...trial.command], { cwd: env.dir, env: { ...env.env, ...TTL }, detached: true, reject: false, stdin: 'ignore' });
        let exited = false;
        void child.finally(() => (exited = true));
        await Promise.race([enough, child]);
        unsubscribe();
        await sleep(trial.killAfterMs);
        tally.tried++;
        if (!exited) {
          tally.landed++;
          if (trial.killGroup) {
            tally.groupKills++;
            try {
              process.kill(-child.pid!, 'SIGKILL');
            } catch {
              // the group ended between the check and the kill
            }
          } else {
            child.kill('SIGKILL');
          }
        }
        const killed = await child;
        if (!trial.killGroup) {
          // helm, orphaned, finishes its --wait on its own; let it, as the e2e resume test does
          for (let i = 0; i < 200 && String((await status(env)).helm?.status).startsWith('pending'); i++) await sleep(100);
        }
        const afterKill = await status(env);
        if (String(afterKill.helm?.status).startsWith('pending')) tally.leftPending++;
        t.diagnostic(`killed run: ${killed.exitCode === undefined ? `signal ${killed.signal}` : `exit ${killed.exitCode}`}; then ${afterKill.position}, phase ${afterKill.phase}, helm ${afterKill.helm?.status}`);

        const { result, recovered } = await rerun(env, trial.command);
        if (recovered) tally.recovered++;
        assert.equal(result.exitCode, 0, `${trial.command.join(' ')} again${recovered ? ' --recover' : ''}: ${result.stderr}`);

        const end = await status(env);
        const record = await recordOf(env);
        // the intended stage: k after promote --to k, stable after rollback
        assert.equal(record.stage, trial.intended);
        assert.equal(record.phase, trial.intended === 1 ? 'rolled-back' : trial.intended === 7 ? 'completed' : 'in-progress');
        // record and cluster agree
        assert.equal(end.position, `at stage ${record.stage}`);
        assert.equal(end.stage.number, record.stage);
        assert.equal(end.helm.status, 'deployed');
        checkHistory(record.history, record.stage);
      } finally {
        await env.stop();
      }
    });
  }
});
