import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema, HTTPMethods } from 'fastify';
import { DomainError, MESSAGES } from '../core/shared/errors.js';
import { essence, sameMediaType } from '../http/media-type.js';
import { RequestValidationError, toIssues, type Validators } from '../http/validation.js';

export interface MediaTypeOperation {
  /** The media type as PingOne documents it (matching ignores case and a `+json` suffix). */
  readonly mediaType: string;
  /** The body schema, or undefined for operations without a body. */
  readonly body?: TSchema;
  readonly summary: string;
  handle(request: FastifyRequest, reply: FastifyReply, body: unknown): Promise<unknown>;
}

export interface MediaTypeRouteOptions {
  readonly method: HTTPMethods;
  readonly url: string;
  readonly schema: Omit<FastifySchema, 'body'>;
  readonly operations: readonly MediaTypeOperation[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Request bodies by media type, documented in the OpenAPI document (see openapi.ts). */
    mediaTypeBodies?: Record<string, TSchema | undefined>;
  }
}

/**
 * One path and method carrying several operations told apart by Content-Type, as PingOne does
 * (e.g. the ten operations of `/users/{id}/password`). Unknown media types answer 415.
 */
export function mediaTypeRoute(app: FastifyInstance, validators: Validators, options: MediaTypeRouteOptions) {
  const compiled = options.operations.map((operation) => ({
    operation,
    validate: operation.body ? validators.compileBody(operation.body) : undefined,
  }));
  app.route({
    method: options.method,
    url: options.url,
    schema: options.schema,
    config: {
      mediaTypeBodies: Object.fromEntries(options.operations.map((o) => [o.mediaType, o.body])),
    },
    handler: async (request, reply) => {
      const type = essence(request.headers['content-type']);
      const match = type ? compiled.find((c) => sameMediaType(c.operation.mediaType, type)) : undefined;
      if (!match) throw new DomainError('unsupported_media_type', MESSAGES.unsupportedMediaType);
      let body: unknown = request.body;
      if (match.validate) {
        if (body === undefined || body === null) body = {};
        if (!match.validate(body)) throw new RequestValidationError('body', toIssues(match.validate.errors));
      }
      return match.operation.handle(request, reply, body);
    },
  });
}
