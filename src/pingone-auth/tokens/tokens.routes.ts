import { Type } from '@sinclair/typebox';
import type { FastifyTypebox } from '../../http/context.js';
import { throttleClientAuthentication } from '../../http/credential-throttle.js';
import { essence } from '../../http/media-type.js';
import { clientCredentialsGrant, formOf, OAuthErrorSchema, oauthErrorHandler } from '../../http/oauth.js';
import { userTokenGrant } from '../as/token-grants.js';
import { pingOneOAuthErrors } from '../../pingone-common/oauth.js';

const Params = Type.Object({ envID: Type.String() });
const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  scope: Type.Optional(Type.String()),
  id_token: Type.Optional(Type.String()),
  refresh_token: Type.Optional(Type.String()),
});

/** PingOne's authorization server: `{authPath}/{envID}/as/token` and its JWKS. */
export function tokenRoutes(app: FastifyTypebox) {
  const { services, config } = app.tessera;
  app.setErrorHandler(oauthErrorHandler(pingOneOAuthErrors));
  throttleClientAuthentication(app, app.tessera.credentialThrottle);

  app.post(
    '/:envID/as/token',
    {
      schema: {
        tags: ['Authentication'],
        summary: 'Token endpoint (authorization_code, refresh_token, client_credentials)',
        params: Params,
        consumes: ['application/x-www-form-urlencoded'],
        response: { 200: TokenResponse, 400: OAuthErrorSchema, 401: OAuthErrorSchema, 429: OAuthErrorSchema },
      },
    },
    async (request, reply) => {
      const grantType = formOf(request).grant_type;
      if (
        (grantType === 'authorization_code' || grantType === 'refresh_token') &&
        essence(request.headers['content-type'])?.toLowerCase() === 'application/x-www-form-urlencoded'
      ) {
        const issued = await userTokenGrant(services, request, request.params.envID, grantType);
        return reply
          .header('Cache-Control', 'no-store')
          .header('Pragma', 'no-cache')
          .send({
            access_token: issued.accessToken,
            token_type: 'Bearer' as const,
            expires_in: issued.expiresIn,
            scope: issued.scopes.join(' '),
            ...(issued.idToken !== undefined ? { id_token: issued.idToken } : {}),
            ...(issued.refreshToken !== undefined ? { refresh_token: issued.refreshToken } : {}),
          });
      }
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

  app.get(
    '/:envID/as/jwks',
    {
      schema: {
        tags: ['Authentication'],
        summary: "JSON Web Key Set: the environment's token signing keys",
        params: Params,
      },
    },
    async (request) => ({
      keys: await services.tokens.jwks(request.params.envID),
    }),
  );
}
