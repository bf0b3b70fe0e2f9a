import { Type } from '@sinclair/typebox';
import { iso } from '../core/shared/clock.js';
import { bearerToken } from '../http/actor.js';
import type { FastifyTypebox } from '../http/context.js';
import { ErrorSchema } from '../pingone-common/errors.js';
import { requireTestMode } from './test-mode.js';

const MessageSchema = Type.Object({
  id: Type.String(),
  template: Type.String(),
  deliveryMethod: Type.String(),
  user: Type.Optional(Type.Object({ id: Type.String() })),
  to: Type.String(),
  locale: Type.String(),
  variant: Type.Optional(Type.String()),
  code: Type.Optional(Type.String({ description: 'The recovery or verification code the message carries' })),
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

const MailboxQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  to: Type.Optional(Type.String({ minLength: 1, description: 'Only messages to this recipient' })),
});

/**
 * Tessera's test mailbox (never part of the PingOne API): every message the outbox accepted for
 * an environment, newest first, with its structured fields (template, recipient, locale, variant,
 * code) and rendered body. A message is written in the transaction of the API call that caused it,
 * so it is listed as soon as that call has answered, before any delivery. Only registered in test
 * mode; a bearer token that can read the environment's users or notification settings is required.
 */
export async function mailboxRoutes(app: FastifyTypebox) {
  const { services } = app.tessera;

  app.get(
    '/tessera/testing/environments/:envID/messages',
    {
      schema: {
        tags: ['Tessera testing'],
        summary: 'List the messages Tessera sent or captured for the environment (test mailbox)',
        params: Type.Object({ envID: Type.String() }),
        querystring: MailboxQuery,
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
        request.query.to,
      );
      const messages = entries.map((e) => ({
        id: e.id,
        template: e.template,
        deliveryMethod: e.deliveryMethod,
        ...(e.userId ? { user: { id: e.userId } } : {}),
        to: e.recipient,
        locale: e.locale,
        ...(e.variant ? { variant: e.variant } : {}),
        ...(e.message.code !== undefined ? { code: e.message.code } : {}),
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

  app.delete(
    '/tessera/testing/environments/:envID/messages',
    {
      schema: {
        tags: ['Tessera testing'],
        params: Type.Object({ envID: Type.String() }),
        querystring: Type.Object({ to: MailboxQuery.properties.to }),
        response: { 204: Type.Null(), 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      const actor = await services.tokens.authenticate(bearerToken(request));
      await requireTestMode(services).clearMailbox(actor, request.params.envID, request.query.to);
      return reply.code(204).send(null);
    },
  );
}
