import type { Metrics } from '../shared/metrics.js';
import type { OAuthService } from '../oauth/oauth.service.js';
import type { TokensService } from './tokens.service.js';

/**
 * Counts tokens issued. Refusals are counted where every one of them passes, the token
 * endpoint's error handler (src/http/oauth.ts), so each request is counted exactly once.
 */
export function countIssuedTokens(tokens: TokensService, metrics: Metrics): TokensService {
  return {
    ...tokens,
    async issue(request) {
      const issued = await tokens.issue(request);
      metrics.tokenRequest('client_credentials', 'issued');
      return issued;
    },
  };
}

/** The same for the authorization server's grants: codes exchanged and refresh tokens used. */
export function countIssuedUserTokens(oauth: OAuthService, metrics: Metrics): OAuthService {
  return {
    ...oauth,
    async exchangeCode(...args) {
      const issued = await oauth.exchangeCode(...args);
      metrics.tokenRequest('authorization_code', 'issued');
      return issued;
    },
    async refresh(...args) {
      const issued = await oauth.refresh(...args);
      metrics.tokenRequest('refresh_token', 'issued');
      return issued;
    },
  };
}
