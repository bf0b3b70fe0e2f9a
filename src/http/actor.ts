import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../core/access/actor.js';
import type { TokensService } from '../core/tokens/tokens.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller, set by `authenticateBearer` in the scopes that require a token. */
    actor: Actor | undefined;
  }
}

/** Declares `request.actor` once, at the root, so every request object has the same shape. */
export function decorateActor(app: FastifyInstance) {
  app.decorateRequest('actor', undefined);
}

/** The token of an `Authorization: Bearer …` header, or undefined when there is none. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Every request of the scope needs a valid bearer token; its actor is attached to the request,
 * then `then` runs (the face's own step, e.g. the rate limiter), all in one callback hook: a token
 * whose actor is cached costs no promise (`TokensService.cachedActor`).
 */
export function authenticateBearer(
  app: FastifyInstance,
  tokens: TokensService,
  then?: (request: FastifyRequest) => void,
) {
  // The cached actor is shared by requests; each request gets its own copy with its id. The copy
  // is made from a template that already has `correlationId`: spreading an object and then adding
  // a key it lacks builds a new hidden class on every call in V8 (about 0.75 µs against 0.03 µs,
  // docs/benchmarks.md, "GET hot path (session 12)"). Same keys, same order, same values.
  const templates = new WeakMap<Actor, Actor>();
  const attach = (request: FastifyRequest, actor: Actor) => {
    let template = templates.get(actor);
    if (!template) templates.set(actor, (template = { ...actor, correlationId: undefined }));
    request.actor = { ...template, correlationId: request.correlationId };
    then?.(request);
  };
  app.addHook('onRequest', (request, _reply, done) => {
    const token = bearerToken(request);
    const cached = tokens.cachedActor(token);
    if (cached) {
      attach(request, cached); // a throw here reaches Fastify's hook runner, as done(error) would
      done();
      return;
    }
    tokens.authenticate(token).then((actor) => {
      try {
        attach(request, actor);
      } catch (error) {
        done(error as Error);
        return;
      }
      done();
    }, done);
  });
}

export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new Error('route registered outside the authenticated scope');
  return request.actor;
}

const connectionSignal = Symbol('tessera.connectionSignal');
type SignalledSocket = { [connectionSignal]?: AbortSignal };

/**
 * A signal that aborts when the client's connection closes, for any face (the PingOne and
 * UiPath management faces, sign-on flows and the hosted page): slow work queued for the request
 * (password hashing) is dropped once its client has gone. One controller per socket (kept on the
 * socket itself), as HTTP/1.1 serves its requests in turn. Undefined without a network socket.
 */
export function connectionSignalOf(request: FastifyRequest): AbortSignal | undefined {
  const socket = request.raw.socket as (typeof request.raw.socket & SignalledSocket) | null;
  if (!socket || typeof socket.once !== 'function') return undefined;
  let signal = socket[connectionSignal];
  if (!signal) {
    const controller = new AbortController();
    if (socket.destroyed) controller.abort();
    else socket.once('close', () => controller.abort());
    signal = socket[connectionSignal] = controller.signal;
  }
  return signal;
}

/**
 * The actor, with the signal of its connection (`connectionSignalOf`). For routes that queue
 * slow work (password hashing): a client that gave up frees its place in the queue.
 */
export function actorWithConnectionOf(request: FastifyRequest): Actor {
  const actor = actorOf(request);
  const signal = connectionSignalOf(request);
  return signal ? { ...actor, connection: signal } : actor;
}
