// Figure 4: `helm-canary status --all -n NS` over 50 releases in one namespace. One release is
// rolled out for real (deploy, start: stage 2); the other 49 are copies of exactly what the tool
// and helm left in the cluster for it (record ConfigMap `helm-canary-<release>` with its labels
// and record.json, Deployments, Service, VirtualService, DestinationRule), renamed.
import { execa } from 'execa';
import { KINDS } from '../sim/store/resources.js';
import type { KubeObject } from '../sim/store/types.js';
import type { Env } from '../test/helpers/e2e.js';
import { cliPath } from '../test/helpers/run-cli.js';
import { median, timed } from './stats.js';

const NAMESPACE = 'fleet';
const BASE = 'benchbase';
const COPIED = [KINDS.configMap, KINDS.deployment, KINDS.service, KINDS.virtualService, KINDS.destinationRule];

/** StatusAll is the figure's result. */
export interface StatusAll {
  releases: number;
  medianMs: number;
}

function copyAs(obj: KubeObject, release: string): KubeObject {
  const copy = JSON.parse(JSON.stringify(obj).replaceAll(BASE, release)) as KubeObject & { status?: unknown };
  const { name, namespace, labels, annotations } = copy.metadata;
  copy.metadata = { name, namespace, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) };
  delete copy.status;
  return copy;
}

async function seedFleet(env: Env, releases: number): Promise<void> {
  env.sim!.createNamespace(NAMESPACE);
  for (const argv of [['deploy', '--tag', '1.0'], ['start', '--new-tag', '2.0']]) {
    const r = await env.cli([...argv, '--release', BASE, '--namespace', NAMESPACE]);
    if (r.exitCode !== 0) throw new Error(`helm-canary ${argv.join(' ')}: ${r.stderr}`);
  }
  const originals = COPIED.flatMap((kind) => env.sim!.store.list(kind, NAMESPACE).filter((o) => o.metadata.name.includes(BASE)).map((o) => ({ kind, o })));
  for (let i = 1; i < releases; i++) {
    const release = `svc${String(i).padStart(2, '0')}`;
    for (const { kind, o } of originals) env.sim!.store.create(kind, copyAs(o, release));
  }
}

/** statusAll seeds the namespace and times `runs` calls of status --all. */
export async function statusAll(env: Env, runs: number, releases = 50): Promise<StatusAll> {
  await seedFleet(env, releases);
  const times: number[] = [];
  let count = 0;
  for (let i = -1; i < runs; i++) {
    let out = '';
    const t = await timed(async () => {
      const r = await execa(process.execPath, [cliPath, 'status', '--all', '-n', NAMESPACE, '-o', 'json'], { cwd: env.dir, env: env.env, stdin: 'ignore', reject: false });
      if (r.exitCode !== 0) throw new Error(`status --all: ${r.stderr}`);
      out = String(r.stdout);
    });
    count = (JSON.parse(out) as unknown[]).length;
    if (i >= 0) times.push(t);
  }
  if (count !== releases) throw new Error(`status --all listed ${count} releases, expected ${releases}`);
  return { releases: count, medianMs: median(times) };
}
