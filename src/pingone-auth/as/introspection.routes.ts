import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { OAuthError } from '../../core/tokens/tokens.service.js';
import type { FastifyTypebox } from '../../http/context.js';
import { throttleClientAuthentication } from '../../http/credential-throttle.js';
import { essence } from '../../http/media-type.js';
import { formOf, OAuthErrorSchema, oauthErrorHandler } from '../../http/oauth.js';
import { pingOneOAuthErrors } from '../../pingone-common/oauth.js';
import { authenticatedClient } from './token-grants.js';

const Params = Type.Object({ envID: Type.String() });
const Introspection = Type.Object({ active: Type.Boolean() }, { additionalProperties: true });

function tokenParameter(request: FastifyRequest): { token: string; hint: string | undefined } {
  if (essence(request.headers['content-type'])?.toLowerCase() !== 'application/x-www-form-urlencoded') {
    throw new OAuthError('invalid_request', 'The request must be application/x-www-form-urlencoded');
  }
  const form = formOf(request);
  if (typeof form.token !== 'string' || form.token === '')
    throw new OAuthError('invalid_request', 'token is required');
  const hint = typeof form.token_type_hint === 'string' ? form.token_type_hint : undefined;
  return { token: form.token, hint };
}

/** `POST /{envID}/as/introspect` (RFC 7662) and `POST /{envID}/as/revoke` (RFC 7009), reference §3.8. */
export function introspectionRoutes(app: FastifyTypebox) {
  const { services } = app.tessera;
  app.setErrorHandler(oauthErrorHandler(pingOneOAuthErrors));
  throttleClientAuthentication(app, app.tessera.credentialThrottle);
  const errors = { 400: OAuthErrorSchema, 401: OAuthErrorSchema, 429: OAuthErrorSchema };

  app.post(
    '/:envID/as/introspect',
    {
      schema: {
        tags: ['Authentication'],
        summary: 'Token introspection',
        params: Params,
        consumes: ['application/x-www-form-urlencoded'],
        response: { 200: Introspection, ...errors },
      },
    },
    async (request, reply) => {
      const { token, hint } = tokenParameter(request);
      const client = await authenticatedClient(services, request, request.params.envID, 'introspect');
      const answer = await services.oauth.introspect(client, token, hint);
      return reply.header('Cache-Control', 'no-store').send(answer);
    },
  );

  app.post(
    '/:envID/as/revoke',
    {
      schema: {
        tags: ['Authentication'],
        summary: 'Token revocation',
        params: Params,
        consumes: ['application/x-www-form-urlencoded'],
        response: { 200: Type.String({ description: 'Empty' }), ...errors },
      },
    },
    async (request, reply) => {
      const { token, hint } = tokenParameter(request);
      const client = await authenticatedClient(services, request, request.params.envID, 'revoke');
      const { oauth } = services;
      const asAccess = () => oauth.revokeAccessToken(client, token);
      const asRefresh = () => oauth.revokeRefreshToken(client, token);
      const order = hint === 'refresh_token' ? [asRefresh, asAccess] : [asAccess, asRefresh];
      for (const revoke of order) if (await revoke()) break;
      // PingOne's quirk (reference §9): 200, a JSON content type and an empty body.
      return reply
        .status(200)
        .header('Cache-Control', 'no-store')
        .header('content-type', 'application/json')
        .send('');
    },
  );
}
