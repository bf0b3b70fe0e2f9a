export const APPLICATION_TYPES = [
  'WORKER',
  'WEB_APP',
  'NATIVE_APP',
  'SINGLE_PAGE_APP',
  'SERVICE',
  'CUSTOM_APP',
] as const;
export type ApplicationType = (typeof APPLICATION_TYPES)[number];

export const GRANT_TYPES = ['AUTHORIZATION_CODE', 'IMPLICIT', 'REFRESH_TOKEN', 'CLIENT_CREDENTIALS'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

export const RESPONSE_TYPES = ['CODE', 'TOKEN', 'ID_TOKEN'] as const;
export type ResponseType = (typeof RESPONSE_TYPES)[number];

export const TOKEN_AUTH_METHODS = [
  'NONE',
  'CLIENT_SECRET_BASIC',
  'CLIENT_SECRET_POST',
  'CLIENT_SECRET_JWT',
  'PRIVATE_KEY_JWT',
] as const;
export type TokenAuthMethod = (typeof TOKEN_AUTH_METHODS)[number];

export const PKCE_ENFORCEMENTS = ['OPTIONAL', 'REQUIRED', 'S256_REQUIRED'] as const;
export type PkceEnforcement = (typeof PKCE_ENFORCEMENTS)[number];

export const CORS_BEHAVIORS = ['ALLOW_NO_ORIGINS', 'ALLOW_SPECIFIC_ORIGINS'] as const;
export interface CorsSettings {
  readonly behavior: (typeof CORS_BEHAVIORS)[number];
  readonly origins: readonly string[];
}

/** Defaults of PingOne's ApplicationOIDC (reference §2.2 and §10 #1). */
export const APPLICATION_DEFAULTS = {
  accessTokenTtlSeconds: 3600,
  refreshTokenDuration: 2_592_000,
  refreshTokenRollingDuration: 15_552_000,
  refreshTokenRollingGracePeriodDuration: 0,
  additionalRefreshTokenReplayProtectionEnabled: true,
  pkceEnforcement: 'OPTIONAL',
} as const;

/** Everything an administrator configures about an application (what a PUT replaces). */
export interface ApplicationSettings {
  readonly name: string;
  readonly description: string | undefined;
  readonly type: ApplicationType;
  readonly enabled: boolean;
  readonly tokenEndpointAuthMethod: TokenAuthMethod;
  readonly grantTypes: readonly GrantType[];
  readonly responseTypes: readonly ResponseType[];
  readonly pkceEnforcement: PkceEnforcement;
  readonly redirectUris: readonly string[];
  readonly allowWildcardInRedirectUris: boolean;
  readonly postLogoutRedirectUris: readonly string[];
  readonly loginPageUrl: string | undefined;
  readonly homePageUrl: string | undefined;
  /** Seconds. */
  readonly refreshTokenDuration: number;
  /** Seconds. */
  readonly refreshTokenRollingDuration: number;
  /** Seconds. */
  readonly refreshTokenRollingGracePeriodDuration: number;
  readonly additionalRefreshTokenReplayProtectionEnabled: boolean;
  /** Undefined is PingOne's legacy behaviour: any origin except on authorize and token. */
  readonly corsSettings: CorsSettings | undefined;
  readonly idpSignoff: boolean;
  /** JSON text of a JWK Set (PRIVATE_KEY_JWT). */
  readonly jwks: string | undefined;
  readonly jwksUrl: string | undefined;
  /** OAuth scopes the application may request. */
  readonly scopes: readonly string[];
  readonly accessTokenTtlSeconds: number;
}

export interface Application extends ApplicationSettings {
  readonly id: string;
  readonly environmentId: string;
  readonly protocol: 'OPENID_CONNECT';
  readonly secretRotatedAt: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What a caller sends to create or replace an application: anything left out takes its default. */
export interface ApplicationInput {
  readonly name: string;
  /** Absent means WORKER (the only type Tessera had before sign-on). */
  readonly type?: ApplicationType | undefined;
  readonly description?: string | undefined;
  readonly enabled?: boolean | undefined;
  readonly tokenEndpointAuthMethod?: TokenAuthMethod | undefined;
  readonly grantTypes?: readonly GrantType[] | undefined;
  readonly responseTypes?: readonly ResponseType[] | undefined;
  readonly pkceEnforcement?: PkceEnforcement | undefined;
  readonly redirectUris?: readonly string[] | undefined;
  readonly allowWildcardInRedirectUris?: boolean | undefined;
  readonly postLogoutRedirectUris?: readonly string[] | undefined;
  readonly loginPageUrl?: string | undefined;
  readonly homePageUrl?: string | undefined;
  readonly refreshTokenDuration?: number | undefined;
  readonly refreshTokenRollingDuration?: number | undefined;
  readonly refreshTokenRollingGracePeriodDuration?: number | undefined;
  readonly additionalRefreshTokenReplayProtectionEnabled?: boolean | undefined;
  readonly corsSettings?: { behavior: CorsSettings['behavior']; origins?: readonly string[] } | undefined;
  readonly idpSignoff?: boolean | undefined;
  readonly jwks?: string | undefined;
  readonly jwksUrl?: string | undefined;
  readonly scopes?: readonly string[] | undefined;
  readonly accessTokenTtlSeconds?: number | undefined;
}

/** A secret as stored: only the hash is compared; the sealed copy lets the API show it again. */
export interface StoredSecret {
  readonly secretHash: string;
  readonly secretSealed: string;
}

/** The previous secret after a rotation that kept it, valid until `expiresAt`. */
export interface PreviousSecret extends StoredSecret {
  readonly expiresAt: number;
  readonly lastUsedAt: number | undefined;
}

export interface ApplicationCredentials extends StoredSecret {
  readonly previous?: PreviousSecret | undefined;
}

/** The secret as the management API shows it. */
export interface ApplicationSecret {
  readonly secret: string;
  readonly previous?: {
    readonly secret: string;
    readonly expiresAt: number;
    readonly lastUsedAt: number | undefined;
  };
}

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** How a client authenticated at a token-style endpoint (RFC 6749 §2.3, RFC 7523 §2.2). */
export type ClientAuthentication =
  | {
      readonly method: 'CLIENT_SECRET_BASIC' | 'CLIENT_SECRET_POST';
      readonly clientId: string;
      readonly clientSecret: string;
    }
  | { readonly method: 'NONE'; readonly clientId: string }
  | {
      readonly method: 'CLIENT_SECRET_JWT' | 'PRIVATE_KEY_JWT';
      /** The `client_id` form parameter, when the client sent one (it must match `iss`). */
      readonly clientId: string | undefined;
      readonly assertion: string;
    };

/** A resource the application was granted scopes of, as the authorization server needs it. */
export interface GrantedResourceScopes {
  readonly resource: {
    readonly id: string;
    readonly name: string;
    readonly type: 'OPENID_CONNECT' | 'PINGONE_API' | 'CUSTOM';
    /** The access token `aud` for this resource: its `audience`, else its name. */
    readonly audience: string;
  };
  readonly scopes: readonly string[];
}
