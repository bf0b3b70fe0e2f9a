import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { decodeProtectedHeader } from 'jose';
import { CLIENT_ASSERTION_TYPE, type ClientAuthentication } from '../core/applications/application.js';
import { OAuthError } from '../core/tokens/tokens.service.js';
import { stringIssue } from './input-policy.js';
import { essence } from './media-type.js';
import { RequestValidationError } from './validation.js';
import { RateLimitExceeded } from './rate-limiter.js';
import { recordOf } from './records.js';

const CLIENT_FIELDS = ['client_id', 'client_secret', 'client_assertion', 'client_assertion_type'] as const;

/**
 * Reads how the client authenticates (RFC 6749 §2.3.1, RFC 7523 §2.2): HTTP Basic, `client_id` +
 * `client_secret` in the form, a JWT `client_assertion` (HMAC-signed: CLIENT_SECRET_JWT, else
 * PRIVATE_KEY_JWT), or `client_id` alone (NONE). Exactly one method per request.
 */
export function clientAuthentication(
  request: FastifyRequest,
  form: Record<string, unknown>,
): ClientAuthentication {
  for (const field of CLIENT_FIELDS) {
    if (form[field] !== undefined && typeof form[field] !== 'string') {
      throw new OAuthError('invalid_request', `${field} must be sent once`);
    }
  }
  const postedId = form.client_id as string | undefined;
  const postedSecret = form.client_secret as string | undefined;
  const assertion = form.client_assertion as string | undefined;
  const assertionType = form.client_assertion_type as string | undefined;
  const header = request.headers.authorization;
  const basic = typeof header === 'string' && /^Basic\s/i.test(header) ? header : undefined;
  const asserted = assertion !== undefined || assertionType !== undefined;
  if ([basic !== undefined, postedSecret !== undefined, asserted].filter(Boolean).length > 1) {
    throw new OAuthError('invalid_request', 'Client authentication must use only one method');
  }
  if (basic !== undefined) {
    const credentials = basicCredentials(basic);
    if (postedId !== undefined && postedId !== credentials.clientId) {
      throw new OAuthError('invalid_request', 'client_id does not match the Authorization header');
    }
    return { method: 'CLIENT_SECRET_BASIC', ...credentials };
  }
  if (asserted) {
    if (assertionType !== CLIENT_ASSERTION_TYPE) {
      throw new OAuthError('invalid_request', `client_assertion_type must be ${CLIENT_ASSERTION_TYPE}`);
    }
    if (assertion === undefined || assertion === '') {
      throw new OAuthError('invalid_request', 'client_assertion is required');
    }
    return { method: assertionMethod(assertion), clientId: postedId, assertion };
  }
  if (postedId !== undefined && postedSecret !== undefined) {
    return { method: 'CLIENT_SECRET_POST', clientId: postedId, clientSecret: postedSecret };
  }
  if (postedId !== undefined && postedId !== '') return { method: 'NONE', clientId: postedId };
  throw new OAuthError('invalid_client', 'Client authentication is required');
}

function basicCredentials(header: string): { clientId: string; clientSecret: string } {
  const decoded = Buffer.from(header.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthError('invalid_client', 'Malformed Basic authorization header');
  // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      throw new OAuthError('invalid_client', 'Malformed Basic authorization header');
    }
  };
  const clientId = decode(decoded.slice(0, colon));
  const clientSecret = decode(decoded.slice(colon + 1));
  // The same input policy as every other field: no control characters, no lone surrogates.
  if (stringIssue(clientId, false, 1024) || stringIssue(clientSecret, false, 1024)) {
    throw new OAuthError('invalid_client', 'Malformed Basic authorization header');
  }
  return { clientId, clientSecret };
}

/** An HMAC-signed assertion proves the shared secret; any other algorithm a private key. */
function assertionMethod(assertion: string): 'CLIENT_SECRET_JWT' | 'PRIVATE_KEY_JWT' {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(assertion).alg;
  } catch {
    throw new OAuthError('invalid_client', 'The client assertion is not a JWT');
  }
  return typeof alg === 'string' && /^HS\d{3}$/.test(alg) ? 'CLIENT_SECRET_JWT' : 'PRIVATE_KEY_JWT';
}

/** RFC 6749 §5.2 error body, the serializer of every token endpoint's refusals. */
export const OAuthErrorSchema = Type.Object({
  error: Type.String(),
  error_description: Type.Optional(Type.String()),
});

/** How a face words its token endpoint's errors; the rest of RFC 6749 §5.2 is the same for all. */
export interface OAuthErrorStyle {
  /** The `error_description` of a refusal. */
  describe(request: FastifyRequest, description: string): string;
  /** The `error_description` of a 500, for a face that sends one. */
  readonly serverErrorDescription?: string;
}

/**
 * The error handler of a token endpoint: RFC 6749 §5.2 JSON, never cached. A body Fastify could
 * not read is an invalid request; anything unexpected is a logged 500.
 */
export function oauthErrorHandler(style: OAuthErrorStyle) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof RateLimitExceeded) {
      // Too many failed client authentications (see credential-throttle.ts); RFC 6749 has no
      // code for this, so the error names the condition, like HTTP's own 429.
      request.server.tessera.services.metrics.tokenRequest(grantTypeLabel(request), 'error');
      return reply
        .status(429)
        .header('Retry-After', String(error.retryAfterSeconds))
        .header('Cache-Control', 'no-store')
        .header('Pragma', 'no-cache')
        .send({
          error: 'too_many_requests',
          error_description: style.describe(
            request,
            `Too many failed client authentications; retry after ${error.retryAfterSeconds} seconds`,
          ),
        });
    }
    const oauth =
      error instanceof OAuthError
        ? error
        : error instanceof RequestValidationError
          ? new OAuthError('invalid_request', error.message)
          : isFastifyClientError(error)
            ? new OAuthError('invalid_request', 'The request must be application/x-www-form-urlencoded')
            : undefined;
    const metrics = request.server.tessera.services.metrics;
    metrics.tokenRequest(grantTypeLabel(request), oauth?.error ?? 'error');
    if (!oauth) {
      request.log.error({ err: error }, 'unexpected error at the token endpoint');
      return reply
        .status(500)
        .header('Cache-Control', 'no-store')
        .send({
          error: 'server_error',
          ...(style.serverErrorDescription !== undefined
            ? { error_description: style.serverErrorDescription }
            : {}),
        });
    }
    if (oauth.status === 401 && typeof request.headers.authorization === 'string') {
      void reply.header('WWW-Authenticate', 'Basic realm="tessera"');
    }
    return reply
      .status(oauth.status)
      .header('Cache-Control', 'no-store')
      .header('Pragma', 'no-cache')
      .send({ error: oauth.error, error_description: style.describe(request, oauth.description) });
  };
}

const KNOWN_GRANTS = new Set([
  'client_credentials',
  'authorization_code',
  'refresh_token',
  'password',
  'urn:ietf:params:oauth:grant-type:device_code',
]);

/** The grant type as a metrics label: a known grant, or `other` (never the client's own text). */
export function grantTypeLabel(request: FastifyRequest): string {
  const grant = formOf(request).grant_type;
  return typeof grant === 'string' && KNOWN_GRANTS.has(grant) ? grant : 'other';
}

function isFastifyClientError(error: unknown): boolean {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

export const formOf = (request: FastifyRequest): Record<string, unknown> => recordOf(request.body);

/**
 * Reads a client_credentials token request (RFC 6749 §4.4.2): form-encoded, the grant type, the
 * client's credentials and the space-separated scopes. Both faces' token endpoints start here.
 */
export function clientCredentialsGrant(request: FastifyRequest): {
  client: ClientAuthentication;
  scopes: string[];
} {
  if (essence(request.headers['content-type'])?.toLowerCase() !== 'application/x-www-form-urlencoded') {
    throw new OAuthError('invalid_request', 'The request must be application/x-www-form-urlencoded');
  }
  const form = formOf(request);
  if (form.grant_type === undefined) throw new OAuthError('invalid_request', 'grant_type is required');
  if (form.grant_type !== 'client_credentials') {
    throw new OAuthError('unsupported_grant_type', 'Only client_credentials is supported');
  }
  const scopes = typeof form.scope === 'string' ? form.scope.split(' ').filter((s) => s !== '') : [];
  return { client: clientAuthentication(request, form), scopes };
}
