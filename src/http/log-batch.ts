import type { DestinationStream } from 'pino';

/** What the batch hands its bytes to: pino's destination (sonic-boom) writing Buffers synchronously. */
export interface ByteSink {
  write(bytes: Buffer): boolean;
  flushSync(): void;
  end(): void;
}

/** A batch is written once it holds this many bytes (or after the interval, whatever it holds). */
const BATCH_BYTES = 60 * 1024;

/**
 * Gathers log lines into one reused 64 KiB buffer and writes it whole, once full or every
 * `intervalMs`. Each line is encoded into the buffer as it comes, so no line string outlives its
 * request; sonic-boom's own batching keeps a growing string (measured the costlier half of an
 * info line, docs/benchmarks.md "Info logging: the measure") and writes every 4 KiB. The sink
 * (sonic-boom) still owns the descriptor, partial writes and a pipe's EAGAIN.
 */
export class LogBatch implements DestinationStream {
  private readonly buffer = Buffer.allocUnsafe(64 * 1024);
  private used = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sink: ByteSink,
    intervalMs: number,
  ) {
    this.timer = setInterval(() => this.flushSync(), intervalMs);
    this.timer.unref();
  }

  write(line: string): boolean {
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit.
    if (this.used + line.length * 3 > this.buffer.length) {
      this.flushSync();
      if (line.length * 3 > this.buffer.length) return this.sink.write(Buffer.from(line));
    }
    this.used += this.buffer.write(line, this.used, 'utf8');
    if (this.used >= BATCH_BYTES) this.flushSync();
    return true;
  }

  /** Hands what is gathered to the sink, which writes it before returning. */
  flushSync(): void {
    if (this.used === 0) return;
    // A copy: the sink may keep what a partial write left while this buffer is reused.
    const bytes = Buffer.from(this.buffer.subarray(0, this.used));
    this.used = 0;
    this.sink.write(bytes);
  }

  /** pino's `logger.flush(cb)`. */
  flush(done?: (error?: Error) => void): void {
    try {
      this.flushSync();
      this.sink.flushSync();
    } catch (error) {
      done?.(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    done?.();
  }

  end(): void {
    clearInterval(this.timer);
    this.flushSync();
    this.sink.end();
  }
}
