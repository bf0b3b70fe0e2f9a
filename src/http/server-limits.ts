import type { IncomingHttpHeaders, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpLimitsConfig } from '../config/config.js';

/**
 * Limits that keep slow or silent clients from holding connections (and file descriptors):
 * Node's own request, header, keep-alive and socket-idle timeouts, a cap on open connections per
 * client address, and a precise body timeout (Node checks its request timeout only every few
 * seconds). Works on the listener Fastify made or the one the caller handed over (serverFactory).
 */
export function applyServerLimits(server: Server, limits: HttpLimitsConfig) {
  server.requestTimeout = limits.requestTimeoutMs;
  // Node requires headersTimeout <= requestTimeout.
  server.headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.setTimeout(limits.idleTimeoutMs, (socket: Socket) => socket.destroy());

  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = (open.get(address) ?? 0) + 1;
    if (count > limits.maxConnectionsPerAddress) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}

/**
 * A request whose body has not fully arrived `bodyTimeoutMs` after it started is cut off: the
 * answer (in the owning face's format, built by `refusal`) is written and the connection closed.
 * app.ts calls this from its one root `onRequest` hook. A request with neither `Content-Length`
 * (above 0) nor `Transfer-Encoding` has no body in HTTP/1.1, so a GET sets no timer and no
 * listeners.
 */
export function watchBody(
  request: FastifyRequest,
  reply: FastifyReply,
  bodyTimeoutMs: number,
  refusal: (url: string, correlationId: string) => string,
): void {
  const raw = request.raw;
  // Injected requests (app.inject) have no network socket to cut off.
  if (raw.complete || typeof raw.socket?.end !== 'function' || !mayHaveBody(raw.headers)) return;
  const timer = setTimeout(() => {
    if (raw.complete || raw.socket.destroyed) return;
    request.log.info({ timeoutMs: bodyTimeoutMs }, 'request body did not arrive in time');
    raw.socket.end(refusal(raw.url ?? '/', request.id));
    raw.socket.destroySoon();
  }, bodyTimeoutMs);
  timer.unref();
  const clear = () => clearTimeout(timer);
  raw.once('end', clear);
  // The request's own 'close' also fires when its socket closes; a listener on the socket
  // itself would pile up on a keep-alive connection, one per request.
  raw.once('close', clear);
  // Once answered, a body still arriving (or never read) no longer holds anything open.
  reply.raw.once('finish', clear);
}

/** Whether the request's headers announce a body (RFC 9112 §6.3: Transfer-Encoding or Content-Length). */
function mayHaveBody(headers: IncomingHttpHeaders): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && length !== '0';
}
