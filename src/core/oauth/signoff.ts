import type { Store } from '../../db/store.js';
import { findApplication, listApplications } from '../applications/applications.repository.js';
import { AuthorizeError } from './authorize-request.js';
import type { createTokenVerifier } from './token-verifier.js';

/** `post_logout_redirect_uri` + `state` must stay under 8192 characters (reference §7.2). */
const MAX_REDIRECT_LENGTH = 8192;

export interface SignOffRequest {
  readonly idTokenHint: string | undefined;
  readonly postLogoutRedirectUri: string | undefined;
  readonly state: string | undefined;
  readonly clientId: string | undefined;
  /** The user of the browser's live session, if any. */
  readonly sessionUserId: string | undefined;
}

/**
 * Checks an RP-initiated sign-off (`/as/signoff`, reference §7.2): a hint must be an ID token
 * this environment signed (expired ones count) for an enabled application, for the session's
 * user; the redirect must be one of that application's post-logout URIs, or without a hint one of
 * any enabled application of the environment. Returns where to send the browser (undefined: the
 * signed-out page). Failures are AuthorizeErrors without target: the user sees them.
 */
export function createSignOff(deps: {
  readonly store: Store;
  readonly verifier: Pick<ReturnType<typeof createTokenVerifier>, 'verifyIdTokenHint'>;
}) {
  return async function checkSignOff(
    environmentId: string,
    request: SignOffRequest,
  ): Promise<string | undefined> {
    const refuse = (description: string): never => {
      throw new AuthorizeError('invalid_request', description);
    };
    const redirect = request.postLogoutRedirectUri;
    if (redirect !== undefined && redirect.length + (request.state?.length ?? 0) >= MAX_REDIRECT_LENGTH) {
      refuse('post_logout_redirect_uri and state are too long');
    }
    let allowed: readonly string[] | undefined;
    if (request.idTokenHint !== undefined) {
      const claims = await deps.verifier.verifyIdTokenHint(environmentId, request.idTokenHint);
      if (!claims) return refuse('id_token_hint is not an ID token of this environment');
      const audience = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
      if (request.clientId !== undefined && request.clientId !== audience) {
        refuse('client_id does not match the ID token');
      }
      const app = audience ? await findApplication(deps.store.db, environmentId, audience) : undefined;
      if (!app || !app.enabled) return refuse('The application of the ID token is not available');
      if (request.sessionUserId !== undefined && request.sessionUserId !== claims.sub) {
        refuse('The ID token belongs to another user than the session');
      }
      allowed = app.postLogoutRedirectUris;
    } else if (redirect !== undefined) {
      const apps = await listApplications(deps.store.db, environmentId);
      allowed = apps.filter((a) => a.enabled).flatMap((a) => a.postLogoutRedirectUris);
    }
    if (redirect === undefined) return undefined;
    if (!allowed?.includes(redirect)) refuse('post_logout_redirect_uri is not registered');
    const url = new URL(redirect);
    if (request.state !== undefined) url.searchParams.append('state', request.state);
    return url.toString();
  };
}
