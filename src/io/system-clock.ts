// The real clock, for the runner's drain waits and verification polls.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../rollout/ports.js';

/** systemClock is wall-clock time. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => sleep(ms),
};
