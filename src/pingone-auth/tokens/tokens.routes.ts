import { Type } from '@sinclair/typebox';
import type { FastifyTypebox } from '../../http/context.js';
import { clientCredentialsGrant, OAuthErrorSchema, oauthErrorHandler } from '../../http/oauth.js';
import { pingOneOAuthErrors } from '../../pingone-common/oauth.js';

const Params = Type.Object({ envID: Type.String() });
const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  scope: Type.Optional(Type.String()),
});

/** PingOne's authorization server: `{authPath}/{envID}/as/token` and its JWKS. */
export function tokenRoutes(app: FastifyTypebox) {
  const { services, config } = app.tessera;
  app.setErrorHandler(oauthErrorHandler(pingOneOAuthErrors));

  app.post(
    '/:envID/as/token',
    {
      schema: {
        tags: ['Authentication'],
        summary: 'Worker access token (client_credentials)',
        params: Params,
        consumes: ['application/x-www-form-urlencoded'],
        response: { 200: TokenResponse, 400: OAuthErrorSchema, 401: OAuthErrorSchema },
      },
    },
    async (request, reply) => {
      const { client, scopes } = clientCredentialsGrant(request);
      const issuer = `${config.publicUrl}/${request.params.envID}/as`;
      const issued = await services.tokens.issue({
        environmentId: request.params.envID,
        client,
        // PingOne API tokens carry no platform scopes; OIDC scopes like openid are accepted and ignored.
        scopes: scopes.filter((s) => !['openid', 'profile', 'email', 'address', 'phone'].includes(s)),
        issuer,
        assertionAudience: [`${issuer}/token`, issuer],
        requireRoles: true,
      });
      return reply
        .header('Cache-Control', 'no-store')
        .header('Pragma', 'no-cache')
        .send({
          access_token: issued.accessToken,
          token_type: 'Bearer' as const,
          expires_in: issued.expiresIn,
          ...(issued.scopes.length > 0 ? { scope: issued.scopes.join(' ') } : {}),
        });
    },
  );

  app.get('/:envID/as/jwks', { schema: { tags: ['Authentication'], params: Params } }, async (request) => ({
    keys: await services.tokens.jwks(request.params.envID),
  }));
}
