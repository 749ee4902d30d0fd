// Describes the machine a benchmark ran on, for BENCHMARKS.md: figures mean little without it.
import { cpus, totalmem, platform, release } from 'node:os';
import { execa } from 'execa';

/** Machine is what BENCHMARKS.md prints about the host. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  helm: Record<string, string>;
}

/** describeMachine collects the host's CPU, memory, OS, node and helm versions. */
export async function describeMachine(helmPaths: Record<string, string>): Promise<Machine> {
  const helm: Record<string, string> = {};
  for (const [major, path] of Object.entries(helmPaths)) {
    const r = await execa(path, ['version', '--short'], { reject: false });
    helm[major] = String(r.stdout).trim() || `unknown (${path})`;
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    helm,
  };
}
