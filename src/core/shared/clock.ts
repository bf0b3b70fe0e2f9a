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

const pad2 = (n: number) => (n < 10 ? '0' : '') + n;
const pad3 = (n: number) => (n < 10 ? '00' : n < 100 ? '0' : '') + n;
/** The first instant of year 10000: beyond it (and before 1970) `toISOString` formats. */
const YEAR_10000 = 253_402_300_800_000;
let lastDay = -1;
let lastDate = '';

/**
 * `new Date(epochMs).toISOString()`, by integer arithmetic for whole milliseconds from 1970 to
 * year 9999 (the date part of the last day formatted is kept): a list page formats two instants
 * per user, and a Date each costs more than the rest of its fields. Tested against
 * `toISOString` (test/core/iso.test.ts).
 */
export function iso(epochMs: number): string {
  if (!Number.isInteger(epochMs) || epochMs < 0 || epochMs >= YEAR_10000)
    return new Date(epochMs).toISOString();
  const day = Math.floor(epochMs / 86_400_000);
  const inDay = epochMs - day * 86_400_000;
  if (day !== lastDay) {
    // Days to civil date (H. Hinnant's algorithm), for days on or after 1970-01-01.
    const z = day + 719_468;
    const era = Math.floor(z / 146_097);
    const doe = z - era * 146_097;
    const yoe = Math.floor(
      (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
    );
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const m = mp < 10 ? mp + 3 : mp - 9;
    const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    lastDate = `${y}-${pad2(m)}-${pad2(d)}T`;
    lastDay = day;
  }
  const ms = inDay % 1000;
  const seconds = (inDay - ms) / 1000;
  const h = Math.floor(seconds / 3600);
  const min = Math.floor((seconds - h * 3600) / 60);
  return `${lastDate}${pad2(h)}:${pad2(min)}:${pad2(seconds % 60)}.${pad3(ms)}Z`;
}
export const isoOrUndefined = (epochMs: number | null | undefined): string | undefined =>
  epochMs === null || epochMs === undefined ? undefined : iso(epochMs);
