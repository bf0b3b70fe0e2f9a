import { STATUS_CODES } from 'node:http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyTypebox } from '../http/context.js';
import { oauthErrorHandler } from '../http/oauth.js';
import { RequestValidationError } from '../http/validation.js';
import { sendPingOneError } from '../pingone-common/errors.js';
import { pingOneOAuthErrors } from '../pingone-common/oauth.js';
import { sendErrorPage } from './as/authorize-response.js';
import { registerAuthCors } from './cors.js';
import { authRoutes } from './routes.js';

/**
 * The PingOne auth face: the authorization server (`/{envID}/as/*`), the Flows API
 * (`/{envID}/flows/*`) and the hosted sign-on page (`/{envID}/signon/`). Each route module is
 * registered in its own encapsulated scope so it can set its own error handler; CORS, decided per
 * application, covers them all.
 */
export const pingOneAuthFace: FastifyPluginAsyncTypebox = async (app) => {
  await registerAuthCors(app);
  // Errors no route module words itself (input policy, body parsing, schema validation).
  app.setErrorHandler(authFaceErrors);
  for (const routes of authRoutes) await app.register(async (scope: FastifyTypebox) => routes(scope));
};

/** Browser endpoints: their errors are pages, not JSON. */
const BROWSER_PATH = /^\/[^/]+\/(?:signon(?:\/|$)|as\/(?:authorize|resume|signoff)(?:\/|$))/;
const pingOneOAuth = oauthErrorHandler(pingOneOAuthErrors);

/**
 * The face's default error handler: a page on the browser endpoints, an OAuth error under
 * `/as`, PingOne's envelope on the Flows API. Route modules with their own handler keep it.
 */
function authFaceErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const path = request.url.split('?')[0] ?? request.url;
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (BROWSER_PATH.test(path)) {
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return sendErrorPage(reply, 500, 'An unexpected error occurred.', 'server_error');
    }
    // The input policy names the refused part and rule (never the submitted value); other
    // refusals get their status text only.
    const description =
      error instanceof RequestValidationError ? error.message : (STATUS_CODES[status] ?? 'Bad Request');
    return sendErrorPage(reply, status, description, 'invalid_request');
  }
  if (/^\/[^/]+\/as(?:\/|$)/.test(path)) return pingOneOAuth(error, request, reply);
  return sendPingOneError(request, reply, error);
}
