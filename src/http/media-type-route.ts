import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema, HTTPMethods } from 'fastify';
import { DomainError } from '../core/shared/errors.js';
import { essence, sameMediaType } from './media-type.js';
import { RequestValidationError, toIssues, type Validators } from './validation.js';

/** The body a handler receives: validated against its schema, or whatever was sent when it has none. */
export type MediaTypeBody<B extends TSchema | undefined> = B extends TSchema ? Static<B> : unknown;

/**
 * One operation of a media-type route; `P` is the route's params (`Static` of its params schema),
 * so a handler reads `request.params` typed.
 */
export interface MediaTypeOperation<B extends TSchema | undefined = TSchema | undefined, P = unknown> {
  /** The media type as the API documents it (matching ignores case and a `+json` suffix). */
  readonly mediaType: string;
  /** The body schema, or undefined for operations without a body. */
  readonly body?: B;
  readonly summary: string;
  // A method, not a property: operations with different bodies then share one list.
  handle(
    request: FastifyRequest<{ Params: P }>,
    reply: FastifyReply,
    body: MediaTypeBody<B>,
  ): Promise<unknown>;
}

/**
 * The body of an action that takes none: nothing, or an empty JSON object (`{}`, which clients
 * often send). Anything else is the wrong shape and answers 400.
 */
export const NoBody = Type.Object({}, { additionalProperties: false, description: 'No body, or `{}`' });

/** Declares one operation, its handler's body typed by the body schema. */
export const mediaTypeOperation = <B extends TSchema | undefined = undefined>(
  operation: MediaTypeOperation<B>,
): MediaTypeOperation<B> => operation;

/**
 * Declares operations of a route whose params follow `params`: each handler's body is typed by
 * its body schema and its `request.params` by the route's params schema.
 */
export const operationsWithParams =
  <P extends TSchema>(_params: P) =>
  <B extends TSchema | undefined = undefined>(
    operation: MediaTypeOperation<B, Static<P>>,
  ): MediaTypeOperation<B, Static<P>> =>
    operation;

export interface MediaTypeRouteOptions<P extends TSchema = TSchema> {
  readonly method: HTTPMethods;
  readonly url: string;
  readonly schema: Omit<FastifySchema, 'body' | 'params'> & { readonly params?: P };
  readonly operations: readonly MediaTypeOperation<TSchema | undefined, Static<P>>[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Request bodies by media type, documented in the OpenAPI document (see openapi.ts). */
    mediaTypeBodies?: Record<string, TSchema | undefined>;
  }
}

/** The route's summary and description from its operations' own summaries, one per media type. */
function documentation(operations: readonly MediaTypeOperation<TSchema | undefined, never>[]): {
  summary?: string;
  description?: string;
} {
  const [first, ...others] = operations;
  if (!first) return {};
  const summary =
    others.length === 0
      ? first.summary
      : others.length === 1
        ? `${first.summary}, or ${others[0]!.summary.charAt(0).toLowerCase()}${others[0]!.summary.slice(1)}`
        : `${first.summary}, and ${others.length} more operations chosen by Content-Type`;
  const description =
    'The operation is chosen by the Content-Type of the request:\n\n' +
    operations.map((o) => `- \`${o.mediaType}\`: ${o.summary}`).join('\n');
  return { summary, description };
}

/**
 * One path and method carrying several operations told apart by Content-Type, as PingOne does
 * (e.g. the ten operations of `/users/{id}/password`). Unknown media types answer 415.
 */
export function mediaTypeRoute<P extends TSchema>(
  app: FastifyInstance,
  validators: Validators,
  options: MediaTypeRouteOptions<P>,
) {
  const compiled = options.operations.map((operation) => ({
    operation,
    validate: validators.compileBody(operation.body ?? NoBody),
  }));
  app.route<{ Params: Static<P> }>({
    method: options.method,
    url: options.url,
    schema: { ...documentation(options.operations), ...options.schema },
    config: {
      mediaTypeBodies: Object.fromEntries(options.operations.map((o) => [o.mediaType, o.body ?? NoBody])),
    },
    handler: async (request, reply) => {
      const type = essence(request.headers['content-type']);
      const match = type ? compiled.find((c) => sameMediaType(c.operation.mediaType, type)) : undefined;
      if (!match) throw new DomainError('unsupported_media_type');
      let body: unknown = request.body;
      if (body === undefined || body === null) body = {};
      if (!match.validate(body)) throw new RequestValidationError('body', toIssues(match.validate.errors));
      return match.operation.handle(request, reply, match.operation.body ? body : undefined);
    },
  });
}
