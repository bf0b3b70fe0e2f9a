import type { Metrics } from '../shared/metrics.js';
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
