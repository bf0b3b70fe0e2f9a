/** A background job run on every scheduler tick (outbox delivery, credential expiry...). */
export interface ScheduledJob {
  readonly name: string;
  run(): Promise<unknown>;
}

export interface SchedulerOptions {
  readonly intervalMs: number;
  readonly onError?: ((job: string, error: unknown) => void) | undefined;
}

export type Scheduler = ReturnType<typeof createScheduler>;

/**
 * Runs the registered jobs in order, every `intervalMs`, one pass at a time per process. Jobs
 * must be safe with several processes on one store (they claim their rows atomically), so this
 * needs no leader election. `runOnce()` lets tests drive a pass deterministically.
 */
export function createScheduler({ intervalMs, onError: initialOnError }: SchedulerOptions) {
  const jobs: ScheduledJob[] = [];
  let onError = initialOnError;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  async function pass(): Promise<void> {
    for (const job of jobs) {
      try {
        await job.run();
      } catch (error) {
        onError?.(job.name, error);
      }
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
