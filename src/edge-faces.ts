import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from './core/shared/errors.js';
import type { EdgeFace } from './http/edge-errors.js';
import { oauthErrorHandler } from './http/oauth.js';
import { rawPingOneError, sendPingOneError } from './pingone-common/errors.js';
import { pingOneOAuthErrors } from './pingone-common/oauth.js';
import { rawProblem, sendUiPathError } from './uipath/errors.js';

/**
 * Which face answers a request refused before routing (see http/edge-errors.ts). Composition
 * code: it is the one place that knows every face's prefixes and error senders.
 */
const UIPATH_PATH = /^\/(?:identity|(?:[^/]+\/){0,2}identity_)(?:\/|$)/;
const AUTH_SERVER_PATH = /^\/[^/]+\/as(?:\/|$)/;

const pingOneOAuth = oauthErrorHandler(pingOneOAuthErrors);

export function edgeFaces(): EdgeFace[] {
  return [
    {
      owns: (path) => UIPATH_PATH.test(path),
      send: (request, reply, error) => sendUiPathError(request, reply, error),
      raw: (status, id) => rawProblem(status, id),
    },
    {
      owns: (path) => AUTH_SERVER_PATH.test(path),
      send: (request, reply, error) =>
        error instanceof DomainError && error.kind === 'not_found'
          ? reply
              .status(404)
              .header('Cache-Control', 'no-store')
              .send({ error: 'not_found', error_description: 'No such endpoint' })
          : pingOneOAuth(error, request, reply),
      raw: (status, id, message) => ({
        contentType: 'application/json',
        body: JSON.stringify({
          error: 'invalid_request',
          error_description: `${message} (Correlation ID: ${id})`,
        }),
      }),
    },
    // The fallback: `/v1/…`, `/{envID}/…` and anything else is answered in PingOne's envelope.
    {
      owns: () => true,
      // Unknown routes stay 404 here (the /v1 scope itself answers 405 for a known path).
      send: (request: FastifyRequest, reply: FastifyReply, error: unknown) =>
        sendPingOneError(request, reply, error),
      raw: (status, id, message) => rawPingOneError(status, id, message),
    },
  ];
}
