import type { FastifyInstance } from 'fastify';

/** Above this many UTF-16 units a serialized body is sent as one Buffer (a users page is ~2.3 KB a user). */
const LARGE_BODY = 16_384;

/**
 * Sends large serialized bodies as one Buffer. The schema serializer builds its output by
 * appending thousands of small strings; Fastify then measures the string for Content-Length
 * (flattening it) and the socket write encodes it again. Encoding it once here made a 100-user
 * list page cost about 7–10% less CPU in a profile, for the same bytes on the wire.
 */
export function sendLargeBodiesAsBuffers(app: FastifyInstance): void {
  app.addHook('onSend', (_request, _reply, payload, done) => {
    done(null, typeof payload === 'string' && payload.length > LARGE_BODY ? Buffer.from(payload) : payload);
  });
}
