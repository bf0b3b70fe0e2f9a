import { Type } from '@sinclair/typebox';
import { iso } from '../core/shared/clock.js';
import { bearerToken } from '../http/actor.js';
import type { FastifyTypebox } from '../http/context.js';
import { ErrorSchema, sendPingOneError } from '../pingone-common/errors.js';

const MessageSchema = Type.Object({
  id: Type.String(),
  template: Type.String(),
  deliveryMethod: Type.String(),
  user: Type.Optional(Type.Object({ id: Type.String() })),
  to: Type.String(),
  locale: Type.String(),
  variant: Type.Optional(Type.String()),
  subject: Type.Optional(Type.String()),
  body: Type.Optional(Type.String()),
  contentType: Type.Optional(Type.String()),
  status: Type.String(),
  attempts: Type.Integer(),
  transport: Type.Optional(Type.String()),
  lastError: Type.Optional(Type.String()),
  createdAt: Type.String(),
  sentAt: Type.Optional(Type.String()),
});

/**
 * Tessera's test mailbox (never part of the PingOne API): every message the outbox accepted for
 * an environment, newest first, with its rendered body, so tests can read recovery codes. Only
 * registered when TESSERA_TEST_MAILBOX=true; a bearer token that can read the environment's users
 * or notification settings is required.
 */
export async function testingRoutes(app: FastifyTypebox) {
  const { services } = app.tessera;
  app.setErrorHandler((error, request, reply) => sendPingOneError(request, reply, error));

  app.get(
    '/tessera/testing/environments/:envID/messages',
    {
      schema: {
        tags: ['Tessera testing'],
        summary: 'List the messages Tessera sent or captured for the environment (test mailbox)',
        params: Type.Object({ envID: Type.String() }),
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
        response: {
          200: Type.Object({ messages: Type.Array(MessageSchema), size: Type.Integer() }),
          401: ErrorSchema,
          403: ErrorSchema,
          404: ErrorSchema,
        },
      },
    },
    async (request) => {
      const actor = await services.tokens.authenticate(bearerToken(request));
      const entries = await services.notifications.mailbox(
        actor,
        request.params.envID,
        request.query.limit ?? 100,
      );
      const messages = entries.map((e) => ({
        id: e.id,
        template: e.template,
        deliveryMethod: e.deliveryMethod,
        ...(e.userId ? { user: { id: e.userId } } : {}),
        to: e.recipient,
        locale: e.locale,
        ...(e.variant ? { variant: e.variant } : {}),
        ...(e.message.kind === 'EMAIL'
          ? { subject: e.message.subject, body: e.message.body, contentType: e.message.contentType }
          : { body: e.message.content, contentType: 'text/plain' }),
        status: e.status,
        attempts: e.attempts,
        ...(e.transport ? { transport: e.transport } : {}),
        ...(e.lastError ? { lastError: e.lastError } : {}),
        createdAt: iso(e.createdAt),
        ...(e.sentAt !== undefined ? { sentAt: iso(e.sentAt) } : {}),
      }));
      return { messages, size: messages.length };
    },
  );
}
