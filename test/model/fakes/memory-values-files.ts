// The ValuesFiles port in memory: the generated values file lives only while `use` runs, and
// FakeHelm reads it by the path the runner puts after the last --values.
import type { ValuesFiles } from '../../../src/rollout/ports.js';
import type { World } from './world.js';

/** MemoryValuesFiles keeps generated values files in a map keyed by path. */
export class MemoryValuesFiles implements ValuesFiles {
  private readonly files = new Map<string, unknown>();

  constructor(private readonly world: World) {}

  async withFile<T>(name: string, values: unknown, use: (path: string) => Promise<T>): Promise<T> {
    this.world.enter('values.withFile', false);
    const path = `/model/values/${name}`;
    this.files.set(path, structuredClone(values));
    try {
      return await use(path);
    } finally {
      this.files.delete(path);
    }
  }

  /** read is what helm sees at `path`: the values, or undefined when no such file exists now. */
  read(path: string): unknown | undefined {
    const values = this.files.get(path);
    return values === undefined ? undefined : structuredClone(values);
  }
}
