// Generated values files: written into a fresh directory only the user can read (they may hold
// image coordinates a team treats as private), and removed as soon as helm has read them.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ValuesFiles } from '../rollout/ports.js';

/** privateValuesFiles writes each values file in its own mode-0700 directory and removes it after use. */
export const privateValuesFiles: ValuesFiles = {
  async withFile(name, values, use) {
    const dir = await mkdtemp(join(tmpdir(), 'helm-canary-'));
    try {
      const path = join(dir, name);
      await writeFile(path, stringify(values), { mode: 0o600 });
      return await use(path);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
