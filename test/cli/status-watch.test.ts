// The watch loop and the wait for a phase over scripted reads and a fake clock: a terminal gets
// each frame redrawn in place, other outputs a new block only when something changed, machines one
// document per change; the wait reports each change and ends as the rollout does.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { waitForPhase, watchStatus } from '../../src/cli/commands/actions/status-watch.js';
import type { WatchFrame } from '../../src/cli/render/watch-text.js';
import type { ReleaseStatus, StatusPhase } from '../../src/rollout/status.js';
import { CliError } from '../../src/cli/errors.js';

function status(stage: number, phase: StatusPhase, canaryReady: number): ReleaseStatus {
  return {
    release: 'web', namespace: 'shop', stage: { number: stage, name: `stage ${stage}`, of: 7 }, position: `at stage ${stage}`, stableTag: 'v1', newTag: 'v2', phase, problems: [],
    production: { name: 'web-production', image: 'r/web:v1', tag: 'v1', desired: 2, ready: 2, weight: 90 },
    canary: { name: 'web-canary', image: 'r/web:v2', tag: 'v2', desired: 2, ready: canaryReady, weight: 10 },
    traffic: null, record: null, helm: null, lock: null, nextMoves: [],
  };
}

function frame(stage: number, phase: StatusPhase, canaryReady: number): WatchFrame {
  return {
    status: status(stage, phase, canaryReady),
    live: {},
    activity: { pods: [{ role: 'canary', name: 'web-canary-1', tag: 'v2', phase: 'Running', ready: canaryReady > 0, restarts: 0 }], events: [{ at: '2026-01-01T00:00:03.000Z', object: 'Deployment/web-canary', type: 'Normal', reason: 'ScalingReplicaSet', message: 'Scaled up' }] },
  };
}

// Reads that return the frames in order (the last one for ever), on a clock that sleeps instantly.
function scripted<T>(items: T[]) {
  let i = 0;
  const slept: number[] = [];
  let now = Date.parse('2026-01-01T00:00:00Z');
  return {
    read: async () => items[Math.min(i++, items.length - 1)]!,
    clock: { now: () => new Date(now), sleep: async (ms: number) => { slept.push(ms); now += ms; } },
    slept,
    reads: () => i,
  };
}

function collector(columns?: number) {
  return { text: '', columns, write(chunk: string) { this.text += chunk; return true; } };
}

describe('watchStatus', () => {
  const FRAMES = [frame(2, 'promoting', 0), frame(2, 'promoting', 0), frame(3, 'promoting', 1), frame(3, 'promoting', 1), frame(7, 'completed', 2)];

  it('without a terminal: a new block only when something changed, until the rollout ends', async () => {
    const s = scripted(FRAMES);
    const out = collector();
    const last = await watchStatus(s.read, { out, clock: s.clock, terminal: false, format: 'text', intervalMs: 2000 });
    assert.equal(last.phase, 'completed');
    assert.equal(s.reads(), 5);
    assert.deepEqual(s.slept, [2000, 2000, 2000, 2000]);
    const blocks = out.text.split('\n\n');
    assert.equal(blocks.length, 3, out.text);
    assert.match(blocks[0]!, /^Release web in namespace shop {2}\(read 00:00:00; Ctrl-C to stop\)\n {2}stage {4}2 of 7: stage 2 \(promoting; at stage 2\)/);
    assert.match(blocks[1]!, /\(read 00:00:04;.*\n {2}stage {4}3 of 7/);
    assert.match(blocks[2]!, /stage {4}7 of 7: stage 7 \(completed/);
    assert.match(blocks[0]!, /\n {4}canary {2}web-canary-1 {2}v2 {2}Running {2}not ready {2}restarts 0\n/);
    assert.match(blocks[0]!, /\n {2}events\n {4}00:00:03 {2}Normal {2}Deployment\/web-canary {2}ScalingReplicaSet {2}Scaled up/);
    assert.ok(!out.text.includes('\x1b'));
  });

  it('on a terminal: every read redraws the frame in place (cursor up over the last frame, clear below)', async () => {
    const s = scripted(FRAMES);
    const out = collector(200);
    await watchStatus(s.read, { out, clock: s.clock, terminal: true, format: 'text', intervalMs: 2000 });
    const redraws = out.text.match(/\x1b\[(\d+)A\r\x1b\[0J/g) ?? [];
    assert.equal(redraws.length, 4);
    const firstFrameLines = out.text.slice(0, out.text.indexOf('\x1b')).split('\n').length - 1;
    assert.equal(redraws[0], `\x1b[${firstFrameLines}A\r\x1b[0J`);
    assert.ok(out.text.endsWith('\n') && out.text.includes('7 of 7'));
  });

  it('on a narrow terminal no line is longer than the width (a wrapped line would break the redraw)', async () => {
    const s = scripted([frame(7, 'completed', 2)]);
    const out = collector(30);
    await watchStatus(s.read, { out, clock: s.clock, terminal: true, format: 'text', intervalMs: 2000 });
    for (const line of out.text.split('\n')) assert.ok([...line].length < 30, line);
  });

  it('-o json: one document per line per change; -o yaml: one --- document per change', async () => {
    const json = collector();
    await watchStatus(scripted(FRAMES).read, { out: json, clock: scripted([]).clock, terminal: false, format: 'json', intervalMs: 1 });
    const docs = json.text.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(docs.map((d) => [d.stage.number, d.phase, d.canary.ready, d.pods.length]), [[2, 'promoting', 0, 1], [3, 'promoting', 1, 1], [7, 'completed', 2, 1]]);
    const yaml = collector();
    await watchStatus(scripted(FRAMES).read, { out: yaml, clock: scripted([]).clock, terminal: true, format: 'yaml', intervalMs: 1 });
    assert.deepEqual(parseAllDocuments(yaml.text).map((d) => (d.toJS() as ReleaseStatus).stage!.number), [2, 3, 7]);
  });
});

describe('waitForPhase', () => {
  it('reports each change, and returns the status once the phase is reached', async () => {
    const s = scripted([status(2, 'promoting', 0), status(2, 'promoting', 1), status(3, 'promoting', 0), status(7, 'completed', 2)]);
    const progress: string[] = [];
    const ends: [number, boolean][] = [];
    const reached = await waitForPhase(s.read, s.clock, { phase: 'completed', timeoutMs: 60_000, intervalMs: 2000, progress: (l) => progress.push(l), onEnd: (st, ok) => ends.push([st.stage!.number, ok]) });
    assert.equal(reached.stage?.number, 7);
    assert.deepEqual(progress, [
      'waiting for phase completed: web is promoting at stage 2 of 7 (stage 2) (0s of 60s)',
      'waiting for phase completed: web is promoting at stage 3 of 7 (stage 3) (4s of 60s)',
    ]);
    assert.deepEqual(ends, [[7, true]]);
  });

  it('times out on the clock it is given (exit 6), never sleeping past the deadline', async () => {
    const s = scripted([status(2, 'in-progress', 2)]);
    await assert.rejects(
      waitForPhase(s.read, s.clock, { phase: 'completed', timeoutMs: 5000, intervalMs: 2000, progress: () => undefined, onEnd: () => undefined }),
      (err: CliError) => err.exitCode === 6 && /within 5s; it is in-progress at stage 2/.test(err.message),
    );
    assert.deepEqual(s.slept, [2000, 2000, 1000]);
  });
});
