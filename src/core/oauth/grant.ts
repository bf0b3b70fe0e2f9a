/**
 * The authorization server's records (reference pingone-signon.md §3). A grant is what one
 * completed authorization allowed: every code, refresh token and access token issued from it
 * carries its id, so revoking the grant (code reuse, refresh-token replay, revocation of a refresh
 * token) ends all of them at once.
 */
export interface OAuthGrant {
  readonly id: string;
  readonly environmentId: string;
  readonly applicationId: string;
  readonly userId: string;
  /** The SSO session the user signed on with; refresh tokens die with it. */
  readonly sessionId: string | undefined;
  readonly scopes: readonly string[];
  /** The access token's `aud`. */
  readonly audience: readonly string[];
  readonly amr: readonly string[];
  /** The completed sign-on policy's name. */
  readonly acr: string | undefined;
  /** Epoch ms of the user's authentication. */
  readonly authTime: number;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly revokedAt: number | undefined;
}

export interface AuthorizationCode {
  readonly grantId: string;
  readonly environmentId: string;
  readonly applicationId: string;
  readonly redirectUri: string | undefined;
  readonly codeChallenge: string | undefined;
  readonly codeChallengeMethod: 'S256' | 'plain' | undefined;
  readonly nonce: string | undefined;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly usedAt: number | undefined;
}

export interface RefreshTokenRecord {
  readonly grantId: string;
  readonly environmentId: string;
  readonly applicationId: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly usedAt: number | undefined;
}

/** Tokens the token endpoint (or `/as/resume`, for implicit and hybrid) hands out. */
export interface IssuedTokens {
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly scopes: readonly string[];
  readonly idToken?: string | undefined;
  readonly refreshToken?: string | undefined;
}

/** Authorization codes live 60 seconds (reference §10 #14). */
export const CODE_TTL_MS = 60_000;
