// The Clock port on fake time. sleep is a port call (a kill may strike while the runner waits)
// and lets the cluster progress: pods become ready, crash, finish terminating.
import type { Clock } from '../../../src/rollout/ports.js';
import type { World } from './world.js';

/** FakeClock reads and advances the world's fake time. */
export class FakeClock implements Clock {
  constructor(private readonly world: World) {}

  now(): Date {
    return new Date(this.world.time);
  }

  async sleep(ms: number): Promise<void> {
    this.world.enter('clock.sleep', false);
    this.world.advance(ms);
  }
}
