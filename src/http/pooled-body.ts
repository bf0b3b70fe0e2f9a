import type { FastifyReply } from 'fastify';

/** What a large JSON body is written through: pieces already serialized by compiled schema serializers. */
export interface BodyWriter {
  /** Appends `text` (any string) encoded as UTF-8. */
  text(text: string): void;
}

export interface BodyPoolOptions {
  /** Buffers kept for reuse once their response is written. */
  readonly buffers: number;
  /** A buffer grown beyond this many bytes is not kept. */
  readonly maxBufferBytes: number;
}

/** A list page of 100 users is about 235 KB; the first buffer of a body holds that without growing. */
const FIRST_BUFFER_BYTES = 256 * 1024;

/**
 * Large JSON bodies (list pages) built into reused buffers. A 235 KB page written as one string
 * costs a fresh 235 KB string (when the serializer's pieces are flattened) and a fresh 235 KB
 * Buffer (when it is encoded): each is new memory whose pages the kernel must fault in, which a
 * profile showed as the largest part of a page's CPU. Here each item's serialized text is small
 * (young, already-touched memory) and is encoded straight into a buffer that earlier responses
 * have touched. A buffer goes back to the pool when its response has been handed to the socket
 * ('finish'), so it is never reused while a write still reads it; a response cut short ('close'
 * before 'finish') just drops its buffer. At most `buffers` buffers of at most `maxBufferBytes`
 * are kept, so the pool holds a bounded amount of memory.
 */
export function createBodyPool(options: BodyPoolOptions) {
  const free: Buffer[] = [];
  const take = (atLeast: number): Buffer => {
    const found = free.findIndex((b) => b.length >= atLeast);
    if (found >= 0) return free.splice(found, 1)[0]!;
    return Buffer.allocUnsafeSlow(Math.max(atLeast, FIRST_BUFFER_BYTES));
  };
  const give = (buffer: Buffer) => {
    if (buffer.length <= options.maxBufferBytes && free.length < options.buffers) free.push(buffer);
  };

  return {
    /** Sends the JSON that `build` writes, as `application/json; charset=utf-8` (as Fastify would). */
    send(reply: FastifyReply, build: (out: BodyWriter) => void): FastifyReply {
      let buffer = take(0);
      let length = 0;
      const out: BodyWriter = {
        text(text) {
          // UTF-8 needs at most 3 bytes per UTF-16 unit; measure exactly only when that may not fit.
          if (buffer.length - length < text.length * 3) {
            const needed = length + Buffer.byteLength(text);
            if (needed > buffer.length) {
              const bigger = take(Math.max(needed, buffer.length * 2));
              buffer.copy(bigger, 0, 0, length);
              give(buffer);
              buffer = bigger;
            }
          }
          length += buffer.write(text, length);
        },
      };
      try {
        build(out);
      } catch (error) {
        give(buffer);
        throw error;
      }
      const written = buffer;
      reply.raw.once('finish', () => give(written));
      return reply.type('application/json; charset=utf-8').send(buffer.subarray(0, length));
    },
  };
}

export type BodyPool = ReturnType<typeof createBodyPool>;
