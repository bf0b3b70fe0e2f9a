import type { Clock } from './clock.js';

/**
 * The clock of a Tessera in test mode: the base clock plus an offset tests can move
 * (`POST /tessera/testing/clock`). Every service reads this one clock, so moving it moves
 * lockouts, code and flow expiry, password age and credential expiry together.
 */
export class OffsetClock implements Clock {
  private offset = 0;

  constructor(private readonly base: Clock) {}

  now(): number {
    return this.base.now() + this.offset;
  }

  get offsetMs(): number {
    return this.offset;
  }

  advance(milliseconds: number): void {
    this.offset += milliseconds;
  }

  /** Moves the clock so that it reads `instant` now (and keeps running from there). */
  setTo(instant: number): void {
    this.offset = instant - this.base.now();
  }

  reset(): void {
    this.offset = 0;
  }
}
