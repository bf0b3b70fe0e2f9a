/** The source of "now" for every rule that depends on time, so tests can move it. */
export interface Clock {
  now(): number;
  /**
   * "Now" for one environment whichever one is being served (test mode's clock may run apart per
   * environment, see offset-clock.ts); clocks without that leave it out and `now()` is used.
   */
  nowIn?(environmentId: string): number;
  /** Runs `work` with `now()` reading the environment's clock (test mode's clock only). */
  runIn?<T>(environmentId: string, work: () => T): T;
}

/** "Now" for the environment, on any clock. */
export const nowIn = (clock: Clock, environmentId: string): number =>
  clock.nowIn ? clock.nowIn(environmentId) : clock.now();

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests can set and advance; starts at the real time. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: number = Date.now()) {
    this.current = start;
  }
  now(): number {
    return this.current;
  }
  advance(milliseconds: number): void {
    this.current += milliseconds;
  }
  set(instant: number): void {
    this.current = instant;
  }
}

export const iso = (epochMs: number): string => new Date(epochMs).toISOString();
export const isoOrUndefined = (epochMs: number | null | undefined): string | undefined =>
  epochMs === null || epochMs === undefined ? undefined : iso(epochMs);
