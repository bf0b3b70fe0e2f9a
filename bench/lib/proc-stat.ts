import { readFileSync } from 'node:fs';

/** Linux's clock tick (USER_HZ = 100): /proc gives CPU times in these. */
const TICK_MICROS = 10_000;

/** What one `/proc/<pid>/stat` (or `/proc/<pid>/task/<tid>/stat`) says of a process or thread. */
export interface ProcCpu {
  /** The command name, between the parentheses. */
  readonly name: string;
  /** utime and stime (fields 14 and 15), in µs. */
  readonly userMicros: number;
  readonly sysMicros: number;
}

/** Reads a stat file; undefined once the process or thread has ended. */
export function procCpu(statFile: string): ProcCpu | undefined {
  let stat: string;
  try {
    stat = readFileSync(statFile, 'utf8');
  } catch {
    return undefined;
  }
  // The name may hold spaces and parentheses: the fields start after the last ')'.
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  return {
    name: stat.slice(stat.indexOf('(') + 1, close),
    userMicros: Number(fields[11]) * TICK_MICROS,
    sysMicros: Number(fields[12]) * TICK_MICROS,
  };
}
