import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RequestValidationError } from './validation.js';

/**
 * Refusals that happen before any face sees the request (a malformed URL, an over-long path
 * segment, an unknown route outside every face's prefix, broken HTTP framing, headers too large)
 * still answer in the format of the face that owns the path. `src/http` knows no face: the
 * composition root hands over one `EdgeFace` per face.
 */
export interface EdgeFace {
  /** Whether the face owns this path (without the query). */
  owns(path: string): boolean;
  /** Answers a refused request in the face's format. */
  send(request: FastifyRequest, reply: FastifyReply, error: unknown): unknown;
  /** A refusal written straight to the socket (no request object exists yet). */
  raw(status: number, correlationId: string, message: string): { contentType: string; body: string };
}

/** A face of last resort, before the faces are known: plain JSON. */
const PLAIN: EdgeFace = {
  owns: () => true,
  send: (_request, reply) => reply.status(400).send({ message: 'Bad request' }),
  raw: (_status, id, message) => ({ contentType: 'application/json', body: JSON.stringify({ id, message }) }),
};

/** The face owning a URL: the first that claims it, else the fallback (the last one). */
function faceFor(faces: readonly EdgeFace[], url: string): EdgeFace {
  const path = url.split('?')[0] ?? url;
  return faces.find((face) => face.owns(path)) ?? faces[faces.length - 1] ?? PLAIN;
}

/** What each framework error means to the client; never the URL itself (it is the client's text). */
function describe(error: FastifyError): string {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return 'A path segment is too long';
  if (error.code === 'FST_ERR_BAD_URL') return 'The URL is not valid (malformed percent-encoding)';
  return 'The request could not be routed';
}

/** Fastify's `frameworkErrors` option: bad URLs and over-long path parameters, per face. */
export function frameworkErrorsFor(faces: readonly EdgeFace[]) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    request.correlationId = request.id;
    void reply.header('Correlation-Id', request.id);
    const refusal = new RequestValidationError('params', [{ field: '', message: describe(error) }]);
    return faceFor(faces, request.raw.url ?? '/').send(request, reply, refusal);
  };
}

/** The request line's path out of the bytes the parser refused, when it got that far. */
function pathOf(rawPacket: unknown): string {
  if (!Buffer.isBuffer(rawPacket)) return '/';
  const line =
    rawPacket
      .subarray(0, 32 * 1024)
      .toString('latin1')
      .split('\r\n')[0] ?? '';
  return /^[A-Z]+ (\/\S*) HTTP\//.exec(line)?.[1] ?? '/';
}

const CLIENT_ERRORS: Record<string, { status: number; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, message: 'The request headers are too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, message: 'The request took too long to arrive' },
  ERR_HTTP_REQUEST_HEADER_TIMEOUT: { status: 408, message: 'The request headers took too long to arrive' },
};

/**
 * Node's `clientError` (Fastify's `clientErrorHandler`): malformed framing (duplicate or
 * negative Content-Length, bad chunking), headers too large, request timeouts. The answer is in
 * the format of the face owning the path and the connection is closed.
 */
export function clientErrorsFor(faces: () => readonly EdgeFace[]) {
  // Fastify calls it with `this` bound to the root instance.
  return function onClientError(
    this: FastifyInstance,
    error: NodeJS.ErrnoException & { rawPacket?: unknown },
    socket: Socket,
  ) {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const known = CLIENT_ERRORS[error.code ?? ''] ?? {
      status: 400,
      message: 'The request is not valid HTTP/1.1',
    };
    this.log.info({ code: error.code, status: known.status }, 'client error');
    if (!socket.writable) return socket.destroy();
    socket.end(rawRefusal(faces(), pathOf(error.rawPacket), known.status, randomUUID(), known.message));
  };
}

/** A whole HTTP/1.1 refusal (status line, headers, body) in the owning face's format; it closes the connection. */
export function rawRefusal(
  faces: readonly EdgeFace[],
  url: string,
  status: number,
  correlationId: string,
  message: string,
): string {
  const { contentType, body } = faceFor(faces, url).raw(status, correlationId, message);
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    `Content-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `Correlation-Id: ${correlationId}\r\nConnection: close\r\n\r\n${body}`
  );
}

/** Unknown routes outside every face's own prefix answer in the owning face's format. */
export function registerEdgeNotFound(
  app: FastifyInstance,
  faces: readonly EdgeFace[],
  notFound: () => unknown,
) {
  app.setNotFoundHandler((request, reply) => faceFor(faces, request.url).send(request, reply, notFound()));
}
