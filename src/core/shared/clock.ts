/** The source of "now" for every rule that depends on time, so tests can move it. */
export interface Clock {
  now(): number;
}

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
