import { Type } from '@sinclair/typebox';
import { OAuthError } from '../../core/tokens/tokens.service.js';
import type { FastifyTypebox } from '../../http/context.js';
import { throttleClientAuthentication } from '../../http/credential-throttle.js';
import { clientCredentialsGrant, OAuthErrorSchema, oauthErrorHandler } from '../../http/oauth.js';
import { orgParams } from '../shared/schemas.js';

const TokenResponse = Type.Object({
  access_token: Type.String(),
  expires_in: Type.Integer(),
  token_type: Type.Literal('Bearer'),
  scope: Type.String(),
});

const badClient = () =>
  new OAuthError(
    'invalid_client',
    'Request denied: Unsupported authentication method or invalid client credentials',
  );

/**
 * UiPath's token endpoint (`…/identity_/connect/token`): client_credentials for "external
 * applications", i.e. Tessera applications granted PM.User scopes. The organization comes from
 * the URL when present, else from the application itself.
 */
export function uipathTokenRoutes(app: FastifyTypebox, prefix: string) {
  const { services, config } = app.tessera;
  // RFC 6749 §5.2 errors as IdentityServer sends them: no correlation suffix.
  app.setErrorHandler(oauthErrorHandler({ describe: (_request, description) => description }));
  throttleClientAuthentication(app, app.tessera.credentialThrottle);

  app.post(
    '/connect/token',
    {
      schema: {
        tags: ['UiPath Identity'],
        summary: 'External application access token (client_credentials)',
        params: Type.Object(orgParams(prefix)),
        consumes: ['application/x-www-form-urlencoded'],
        response: { 200: TokenResponse, 400: OAuthErrorSchema, 401: OAuthErrorSchema, 429: OAuthErrorSchema },
      },
    },
    async (request, reply) => {
      const { client, scopes: requested } = clientCredentialsGrant(request);
      if (client.clientId === undefined) throw badClient();
      const environmentId = await services.applications.environmentOf(client.clientId);
      if (environmentId === undefined) throw badClient();
      const organization = request.params.organizationName;
      if (
        organization !== undefined &&
        !(await services.environments.idsNamed(organization)).includes(environmentId)
      ) {
        throw badClient();
      }
      const found = await services.applications.findWithCredentials(environmentId, client.clientId);
      if (!found) throw badClient();
      const configured = found.application.tokenEndpointAuthMethod;
      const issuer = `${config.publicUrl}${prefix.replace(':organizationName', organization ?? '').replace(':tenantName', request.params.tenantName ?? '')}`;
      const issued = await services.tokens.issue({
        environmentId,
        // IdentityServer accepts client_secret_post and client_secret_basic alike; the secret is
        // still checked. The PingOne face keeps enforcing the application's configured method.
        client:
          (client.method === 'CLIENT_SECRET_BASIC' || client.method === 'CLIENT_SECRET_POST') &&
          (configured === 'CLIENT_SECRET_BASIC' || configured === 'CLIENT_SECRET_POST')
            ? { ...client, method: configured }
            : client,
        // Without `scope`, IdentityServer grants every scope the client is allowed.
        scopes: requested.length > 0 ? requested : found.application.scopes,
        issuer,
        assertionAudience: [`${issuer}/connect/token`, issuer],
        requireRoles: false,
      });
      return reply
        .header('Cache-Control', 'no-store')
        .header('Pragma', 'no-cache')
        .send({
          access_token: issued.accessToken,
          expires_in: issued.expiresIn,
          token_type: 'Bearer' as const,
          scope: issued.scopes.join(' '),
        });
    },
  );
}
