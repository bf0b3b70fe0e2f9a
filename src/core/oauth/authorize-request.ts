import type { Application } from '../applications/application.js';
import type { AuthorizationRequest, ResponseMode, ResponseTypePart } from '../signon/flow.js';
import { OFFLINE_ACCESS, OIDC_SCOPES } from './claims.js';

export type AuthorizeErrorCode =
  | 'invalid_request'
  | 'unauthorized_client'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'login_required'
  | 'interaction_required'
  | 'request_not_supported'
  | 'invalid_request_object'
  | 'request_uri_not_supported'
  | 'server_error';

/** Where a redirectable authorize error goes (RFC 6749 §4.1.2.1), once client and redirect are known. */
export interface AuthorizeErrorTarget {
  readonly redirectUri: string | undefined;
  readonly responseMode: ResponseMode;
  readonly state: string | undefined;
}

/**
 * An authorize error. Without `target` the client or its redirect_uri is unknown, so the user sees
 * it (RFC 6749 §4.1.2.1: never redirect to an unverified URI); with it, it goes back to the client.
 */
export class AuthorizeError extends Error {
  constructor(
    readonly error: AuthorizeErrorCode,
    readonly description: string,
    readonly target?: AuthorizeErrorTarget,
  ) {
    super(description);
  }
}

/** `response_type` values, with their parts sorted; PingOne's list (§1.3) plus bare `token` (§3.9). */
const RESPONSE_TYPES: Readonly<Record<string, readonly ResponseTypePart[]>> = {
  code: ['code'],
  token: ['token'],
  id_token: ['id_token'],
  'id_token token': ['token', 'id_token'],
  'code id_token': ['code', 'id_token'],
  'code token': ['code', 'token'],
  'code id_token token': ['code', 'token', 'id_token'],
};
const RESPONSE_MODES: readonly ResponseMode[] = ['query', 'fragment', 'form_post', 'pi.flow'];
/** RFC 7636 §4.2: 43–128 characters of [A-Z a-z 0-9 - . _ ~]. */
const CHALLENGE_SYNTAX = /^[A-Za-z0-9\-._~]{43,128}$/;

type Params = Readonly<Record<string, string | undefined>>;

/** Whether `uri` is one of the app's redirect URIs: exact, or by `*` wildcards when allowed. */
export function redirectUriRegistered(app: Application, uri: string): boolean {
  if (app.redirectUris.includes(uri)) return true;
  if (!app.allowWildcardInRedirectUris) return false;
  return app.redirectUris.some((registered) => {
    if (!registered.includes('*')) return false;
    const pattern = registered
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/?#]*');
    return new RegExp(`^${pattern}$`).test(uri);
  });
}

/**
 * Where errors about this request go once the client is known (RFC 6749 §4.1.2.1): its
 * registered redirect_uri in the response mode. Throws a local AuthorizeError (no target) when the
 * response_mode is unknown or the redirect_uri is missing or not registered.
 */
export function authorizeErrorTarget(params: Params, app: Application): AuthorizeErrorTarget {
  const requestedMode = params.response_mode;
  if (requestedMode !== undefined && !RESPONSE_MODES.includes(requestedMode as ResponseMode)) {
    throw new AuthorizeError('invalid_request', 'response_mode is not supported');
  }
  const redirectUri = params.redirect_uri;
  if (redirectUri === undefined) {
    if (requestedMode !== 'pi.flow') throw new AuthorizeError('invalid_request', 'redirect_uri is required');
  } else if (!redirectUriRegistered(app, redirectUri)) {
    throw new AuthorizeError('invalid_request', 'redirect_uri is not registered for this application');
  }
  const parts = RESPONSE_TYPES[(params.response_type ?? '').split(' ').filter(Boolean).sort().join(' ')];
  // OAuth 2.0 Multiple Response Types §5: only `code` alone defaults to the query.
  const responseMode: ResponseMode =
    (requestedMode as ResponseMode | undefined) ??
    (!parts || parts.join(' ') === 'code' ? 'query' : 'fragment');
  return { redirectUri, responseMode, state: params.state };
}

/**
 * Validates an authorize request against its (enabled, OIDC) application: reference §3.1 and
 * RFC 6749 §4.1.1 / OIDC Core §3. `grantedScopes` are the OIDC scopes the app's grants allow.
 */
export function validateAuthorizeRequest(
  params: Params,
  app: Application,
  grantedScopes: readonly string[],
): AuthorizationRequest {
  const { redirectUri, responseMode, state } = authorizeErrorTarget(params, app);
  const parts = RESPONSE_TYPES[(params.response_type ?? '').split(' ').filter(Boolean).sort().join(' ')];
  const fail = (error: AuthorizeErrorCode, description: string): never => {
    throw new AuthorizeError(error, description, { redirectUri, responseMode, state });
  };

  // A request object was merged into the parameters before (oauth.service, OIDC Core §6.1).
  if (params.request !== undefined) fail('invalid_request', 'request cannot be used here');
  if (params.request_uri !== undefined) fail('request_uri_not_supported', 'request_uri is not supported');
  if (params.response_type === undefined) fail('invalid_request', 'response_type is required');
  if (!parts) return fail('unsupported_response_type', 'response_type is not supported');
  for (const part of parts) {
    const allowed =
      part === 'code'
        ? app.responseTypes.includes('CODE') && app.grantTypes.includes('AUTHORIZATION_CODE')
        : app.responseTypes.includes(part === 'token' ? 'TOKEN' : 'ID_TOKEN') &&
          app.grantTypes.includes('IMPLICIT');
    if (!allowed)
      fail('unauthorized_client', `The application may not use response_type ${params.response_type}`);
  }
  if (responseMode === 'query' && parts.some((p) => p !== 'code')) {
    fail('invalid_request', 'Tokens cannot be returned with response_mode=query');
  }

  const scopes = [...new Set((params.scope ?? '').split(' ').filter(Boolean))];
  if (parts.includes('id_token') && !scopes.includes('openid')) {
    fail('invalid_scope', 'An ID token needs the openid scope');
  }
  const refused = scopes.filter(
    (s) =>
      s !== 'openid' &&
      !(s === OFFLINE_ACCESS && parts.includes('code')) &&
      !((OIDC_SCOPES as readonly string[]).includes(s) && grantedScopes.includes(s)),
  );
  if (refused.length > 0)
    fail('invalid_scope', `Scope(s) not granted to the application: ${refused.join(' ')}`);
  if (scopes.length === 0) fail('invalid_scope', 'scope is required');

  const nonce = params.nonce;
  if (parts.includes('id_token') && (nonce === undefined || nonce === '')) {
    fail('invalid_request', 'nonce is required when an ID token is returned from the authorization endpoint');
  }

  const challenge = params.code_challenge;
  const method = params.code_challenge_method;
  if (method !== undefined && method !== 'S256' && method !== 'plain') {
    fail('invalid_request', 'code_challenge_method must be S256 or plain');
  }
  if (challenge !== undefined && !CHALLENGE_SYNTAX.test(challenge)) {
    fail('invalid_request', 'code_challenge must be 43 to 128 unreserved characters');
  }
  if (method !== undefined && challenge === undefined) fail('invalid_request', 'code_challenge is required');
  if (parts.includes('code')) {
    if (app.pkceEnforcement !== 'OPTIONAL' && challenge === undefined) {
      fail('invalid_request', 'PKCE is required: send code_challenge');
    }
    if (app.pkceEnforcement === 'S256_REQUIRED' && method !== 'S256') {
      fail('invalid_request', 'PKCE with code_challenge_method=S256 is required');
    }
  }

  const promptValues = (params.prompt ?? '').split(' ').filter(Boolean);
  if (promptValues.includes('none') && promptValues.length > 1) {
    fail('invalid_request', 'prompt=none cannot be combined with other values');
  }
  if (promptValues.some((p) => !['none', 'login', 'consent', 'select_account'].includes(p))) {
    fail('invalid_request', 'prompt has an unsupported value');
  }
  const prompt = promptValues.includes('none')
    ? 'none'
    : promptValues.includes('login')
      ? 'login'
      : undefined;

  let maxAge: number | undefined;
  if (params.max_age !== undefined) {
    if (!/^\d{1,10}$/.test(params.max_age)) fail('invalid_request', 'max_age must be a non-negative integer');
    maxAge = Number(params.max_age);
  }

  return {
    clientId: app.id,
    redirectUri,
    responseType: parts,
    responseMode,
    scopes,
    state,
    nonce,
    codeChallenge: challenge,
    codeChallengeMethod:
      challenge === undefined ? undefined : ((method as 'S256' | 'plain' | undefined) ?? 'plain'),
    prompt,
    maxAge,
    loginHint: params.login_hint,
    acrValues: (params.acr_values ?? '').split(' ').filter(Boolean),
  };
}
