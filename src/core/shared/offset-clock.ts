// Test mode only (a production server never makes this clock), where the promise hooks this
// turns on cost nothing that matters (eslint.config.js, ASYNC_CONTEXT).
// eslint-disable-next-line no-restricted-imports
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from './clock.js';

/**
 * The clock of a Tessera in test mode: the base clock plus offsets tests can move
 * (`POST /tessera/testing/clock`). Every service reads this one clock, so moving it moves
 * lockouts, code and flow expiry, password age and credential expiry together.
 *
 * There are two offsets, which add: the instance's, and one per environment. `now()` adds the
 * offset of the environment whose work is being done, carried by an AsyncLocalStorage this
 * instance owns: HTTP requests enter it for the environment their route names (see
 * `src/http/environment-clock.ts`), scheduler passes for the environment they sweep.
 */
export class OffsetClock implements Clock {
  private offset = 0;
  private readonly environmentOffsets = new Map<string, number>();
  private readonly serving = new AsyncLocalStorage<string>();

  constructor(private readonly base: Clock) {}

  now(): number {
    const environmentId = this.serving.getStore();
    return environmentId === undefined ? this.base.now() + this.offset : this.nowIn(environmentId);
  }

  /** "Now" for one environment, whichever environment is being served. */
  nowIn(environmentId: string): number {
    return this.base.now() + this.offset + (this.environmentOffsets.get(environmentId) ?? 0);
  }

  /** Runs `work` with `now()` reading the environment's clock (and anything it awaits). */
  runIn<T>(environmentId: string, work: () => T): T {
    return this.serving.run(environmentId, work);
  }

  /** The instance-wide offset. */
  get offsetMs(): number {
    return this.offset;
  }

  /** The environment's own offset (on top of the instance's). */
  environmentOffsetMs(environmentId: string): number {
    return this.environmentOffsets.get(environmentId) ?? 0;
  }

  /** Environments whose clock runs apart from the instance's. */
  movedEnvironments(): string[] {
    return [...this.environmentOffsets.keys()];
  }

  /** Moves the clock of the instance, or of one environment, by `milliseconds`. */
  advance(milliseconds: number, environmentId?: string): void {
    if (environmentId === undefined) this.offset += milliseconds;
    else this.setEnvironmentOffset(environmentId, this.environmentOffsetMs(environmentId) + milliseconds);
  }

  /** Moves the clock (of the instance, or of one environment) so that it reads `instant` now. */
  setTo(instant: number, environmentId?: string): void {
    if (environmentId === undefined) this.offset = instant - this.base.now();
    else this.setEnvironmentOffset(environmentId, instant - this.base.now() - this.offset);
  }

  /** Clears every offset, or only the environment's own one. */
  reset(environmentId?: string): void {
    if (environmentId !== undefined) {
      this.environmentOffsets.delete(environmentId);
      return;
    }
    this.offset = 0;
    this.environmentOffsets.clear();
  }

  private setEnvironmentOffset(environmentId: string, milliseconds: number): void {
    if (milliseconds === 0) this.environmentOffsets.delete(environmentId);
    else this.environmentOffsets.set(environmentId, milliseconds);
  }
}
