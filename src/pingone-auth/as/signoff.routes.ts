import { Type } from '@sinclair/typebox';
import { AuthorizeError } from '../../core/oauth/authorize-request.js';
import type { FastifyTypebox } from '../../http/context.js';
import { escapeHtml } from '../signon-page/index.js';
import { appendSetCookie, clearedSessionCookie, readSessionCookie } from '../session-cookie.js';
import { sendLocalError } from './authorize-response.js';

const Params = Type.Object({ envID: Type.String() });
const Query = Type.Object({
  id_token_hint: Type.Optional(Type.String()),
  post_logout_redirect_uri: Type.Optional(Type.String()),
  state: Type.Optional(Type.String()),
  client_id: Type.Optional(Type.String()),
});

/**
 * `GET /{envID}/as/signoff` (OIDC RP-Initiated Logout, reference §7.2): ends the browser's SSO
 * session, expires `ST`, then redirects to the checked post-logout URI or shows a signed-out page.
 */
export function signoffRoutes(app: FastifyTypebox) {
  const { services, config } = app.tessera;
  app.get(
    '/:envID/as/signoff',
    {
      schema: {
        tags: ['Authentication'],
        summary: 'Sign off (end the SSO session)',
        params: Params,
        querystring: Query,
        response: {
          200: Type.String({ description: 'The signed-out page (HTML)' }),
          302: Type.String({ description: 'Redirect to the post-logout URI' }),
          400: Type.String({ description: 'An error page (HTML)' }),
        },
      },
    },
    async (request, reply) => {
      const environmentId = request.params.envID;
      const sessionId = readSessionCookie(request);
      const session = sessionId ? await services.sessions.findLive(environmentId, sessionId) : undefined;
      let redirect: string | undefined;
      try {
        redirect = await services.oauth.checkSignOff(environmentId, {
          idTokenHint: request.query.id_token_hint,
          postLogoutRedirectUri: request.query.post_logout_redirect_uri,
          state: request.query.state,
          clientId: request.query.client_id,
          sessionUserId: session?.userId,
        });
      } catch (error) {
        if (error instanceof AuthorizeError) return sendLocalError(request, reply, error, false);
        throw error;
      }
      if (sessionId) await services.sessions.end(environmentId, sessionId);
      appendSetCookie(reply, clearedSessionCookie(config.publicUrl, environmentId));
      void reply.header('cache-control', 'no-store');
      if (redirect !== undefined) return reply.status(302).header('location', redirect).send('');
      return reply
        .status(200)
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'")
        .send(
          `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signed out</title></head>` +
            `<body><main><h1>You are signed out</h1><p>${escapeHtml('You can close this window.')}</p></main></body></html>`,
        );
    },
  );
}
