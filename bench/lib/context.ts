import type { BenchFixture } from '../fixture.js';
import type { ApiCall, StoreTarget } from '../scenarios/api.js';
import type { BenchOptions } from './options.js';
import type { Measurement } from './report.js';

/** What a scenario group gets for one store: the running target, its API and the results list. */
export interface StoreContext {
  readonly store: StoreTarget;
  readonly fixture: BenchFixture;
  readonly call: ApiCall;
  /** The target's CPU time so far (µs, user + system), for CPU time per request. */
  readonly cpuMicros: () => Promise<number>;
  /** Sets the target's log level (it starts silent). */
  readonly setLogLevel: (level: string) => Promise<void>;
  readonly options: BenchOptions;
  /** Results so far (a group may compare with an earlier figure, e.g. idle GET p99). */
  readonly results: Measurement[];
  /** Lines printed under the table (what was used, what was skipped and why). */
  readonly notes: string[];
  /**
   * Measures the ceiling again now, at `connections` (a shorter burst), for a row compared with
   * the ceiling measured around it; absent when the run has no ceiling.
   */
  readonly ceilingNow?: (connections: number) => Promise<{ rate: number; cpuMicrosPerRequest?: number }>;
}
