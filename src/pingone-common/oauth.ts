import type { OAuthErrorStyle } from '../http/oauth.js';

/** PingOne cites the correlation id in every token endpoint error. */
export const pingOneOAuthErrors: OAuthErrorStyle = {
  describe: (request, description) => `${description} (Correlation ID: ${request.correlationId})`,
  serverErrorDescription: 'Unexpected error',
};
