import type { FastifyRequest } from 'fastify';
import type { Application } from '../../core/applications/application.js';
import type { IssuedTokens } from '../../core/oauth/grant.js';
import type { Services } from '../../core/services.js';
import { OAuthError } from '../../core/tokens/tokens.service.js';
import { clientAuthentication, formOf } from '../../http/oauth.js';

const text = (form: Record<string, unknown>, name: string): string | undefined => {
  const value = form[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new OAuthError('invalid_request', `${name} must be sent once`);
  return value;
};

/**
 * Authenticates the client of an `/as/token`, `/as/introspect` or `/as/revoke` call by its
 * configured method (all five, through the applications service). Assertions may name the
 * issuer or the endpoint as audience (RFC 7523 §3).
 */
export async function authenticatedClient(
  services: Services,
  request: FastifyRequest,
  environmentId: string,
  endpoint: string,
): Promise<Application> {
  const issuer = services.oauth.issuerOf(environmentId);
  return services.applications.authenticateClient(
    environmentId,
    clientAuthentication(request, formOf(request)),
    {
      audience: [issuer, `${issuer}/${endpoint}`, `${issuer}/token`],
    },
  );
}

/** `authorization_code` and `refresh_token` at the token endpoint (reference §3.3). */
export async function userTokenGrant(
  services: Services,
  request: FastifyRequest,
  environmentId: string,
  grantType: 'authorization_code' | 'refresh_token',
): Promise<IssuedTokens> {
  const form = formOf(request);
  const client = await authenticatedClient(services, request, environmentId, 'token');
  const signOnClient = await services.oauth.signOnClient(environmentId, client.id);
  if (grantType === 'authorization_code') {
    if (!signOnClient || !client.grantTypes.includes('AUTHORIZATION_CODE')) {
      throw new OAuthError('unauthorized_client', 'The application may not use the authorization_code grant');
    }
    const code = text(form, 'code');
    if (code === undefined || code === '') throw new OAuthError('invalid_request', 'code is required');
    return services.oauth.exchangeCode({
      client,
      code,
      redirectUri: text(form, 'redirect_uri'),
      codeVerifier: text(form, 'code_verifier'),
    });
  }
  if (!signOnClient)
    throw new OAuthError('unauthorized_client', 'The application may not use refresh tokens');
  const refreshToken = text(form, 'refresh_token');
  if (refreshToken === undefined || refreshToken === '') {
    throw new OAuthError('invalid_request', 'refresh_token is required');
  }
  const scope = text(form, 'scope');
  return services.oauth.refresh({
    client,
    refreshToken,
    scopes: scope === undefined ? undefined : scope.split(' ').filter(Boolean),
  });
}
