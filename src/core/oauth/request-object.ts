import type { JWTPayload } from 'jose';
import type { Application } from '../applications/application.js';
import { RequestObjectError } from '../applications/request-objects.js';
import { AuthorizeError, authorizeErrorTarget } from './authorize-request.js';

type Params = Readonly<Record<string, string | undefined>>;

/** JWT claims of the object itself, not authorization request parameters. */
const ENVELOPE_CLAIMS = new Set(['iss', 'aud', 'exp', 'iat', 'nbf', 'jti']);

/** Verifies a request object for a client; throws RequestObjectError, whose message the client may see. */
export type RequestObjectVerifier = (
  environmentId: string,
  applicationId: string,
  jwt: string,
  issuer: string,
) => Promise<JWTPayload>;

/**
 * The authorize parameters once the `request` object is applied (OIDC Core §6.1, §6.3.3): its
 * claims supersede the query's, `client_id` and `response_type` must agree when both carry them,
 * and a request object cannot nest another. Errors go back to the client when the query names a
 * registered redirect_uri (the object's cannot be trusted before it verifies); else the user sees them.
 */
export async function applyRequestObject(
  params: Params,
  app: Application,
  issuer: string,
  verify: RequestObjectVerifier,
): Promise<Params> {
  const jwt = params.request;
  if (jwt === undefined) return params;
  const refuse = (description: string): never => {
    let target;
    try {
      target = authorizeErrorTarget(params, app);
    } catch {
      target = undefined; // no trusted redirect_uri in the query: the user sees the error
    }
    throw new AuthorizeError('invalid_request_object', description, target);
  };
  let claims: JWTPayload;
  try {
    claims = await verify(app.environmentId, app.id, jwt, issuer);
  } catch (error) {
    if (!(error instanceof RequestObjectError)) throw error;
    return refuse(error.message);
  }
  if (params.request_uri !== undefined) refuse('request and request_uri cannot both be sent');
  const merged: Record<string, string | undefined> = { ...params, request: undefined };
  for (const [name, value] of Object.entries(claims)) {
    if (ENVELOPE_CLAIMS.has(name) || value === undefined || value === null) continue;
    if (name === 'request' || name === 'request_uri') refuse(`A request object cannot carry ${name}`);
    merged[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  for (const name of ['client_id', 'response_type'] as const) {
    if (params[name] !== undefined && merged[name] !== params[name]) {
      refuse(`${name} in the request object does not match the request's`);
    }
  }
  return merged;
}
