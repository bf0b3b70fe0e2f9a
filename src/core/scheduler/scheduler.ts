import type { EnvironmentScope } from '../shared/environment-scope.js';

/**
 * A background job run on every scheduler tick (outbox delivery, credential expiry...). It sweeps
 * the environments of `scope` (all when undefined) at the clock's `now()`.
 */
export interface ScheduledJob {
  readonly name: string;
  run(scope?: EnvironmentScope): Promise<unknown>;
}

/** Test mode's clock, whose environments may each run apart (see offset-clock.ts). */
export interface EnvironmentClocks {
  movedEnvironments(): string[];
  runIn<T>(environmentId: string, work: () => T): T;
}

export interface SchedulerOptions {
  readonly intervalMs: number;
  readonly onError?: ((job: string, error: unknown) => void) | undefined;
  /** When some environments' clocks run apart, each is swept on its own, inside its clock. */
  readonly clocks?: EnvironmentClocks | undefined;
}

export type Scheduler = ReturnType<typeof createScheduler>;

/**
 * Runs the registered jobs in order, every `intervalMs`, one pass at a time per process. Jobs
 * must be safe with several processes on one store (they claim their rows atomically), so this
 * needs no leader election. `runOnce()` lets tests drive a pass deterministically.
 */
export function createScheduler({ intervalMs, onError: initialOnError, clocks }: SchedulerOptions) {
  const jobs: ScheduledJob[] = [];
  let onError = initialOnError;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  async function attempt(job: ScheduledJob, scope?: EnvironmentScope): Promise<void> {
    try {
      await job.run(scope);
    } catch (error) {
      onError?.(job.name, error);
    }
  }

  /**
   * Every job once. Environments whose clock was moved on its own are swept apart, each inside
   * its clock context (so `now()` is theirs), and the rest together at the instance's time.
   */
  async function pass(): Promise<void> {
    const moved = clocks?.movedEnvironments() ?? [];
    for (const job of jobs) {
      if (!clocks || moved.length === 0) {
        await attempt(job);
        continue;
      }
      await attempt(job, { except: moved });
      for (const environmentId of moved)
        await clocks.runIn(environmentId, () => attempt(job, { only: environmentId }));
    }
  }

  /** Runs one full pass after any pass already in progress in this process. */
  async function runOnce(): Promise<void> {
    while (running) await running;
    running = pass().finally(() => {
      running = undefined;
    });
    await running;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      void runOnce().finally(schedule);
    }, intervalMs);
    // The scheduler never keeps the process alive by itself.
    timer.unref();
  }

  return {
    register(job: ScheduledJob): void {
      jobs.push(job);
    },
    runOnce,
    /** Starts ticking; `reportError` receives failures of jobs (the app passes its logger). */
    start(reportError?: (job: string, error: unknown) => void): void {
      if (reportError) onError = reportError;
      if (timer || stopped) return;
      schedule();
    },
    /** Stops ticking and waits for a pass in progress, so the store can be closed safely. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      while (running) await running;
    },
  };
}
