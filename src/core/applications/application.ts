export const TOKEN_AUTH_METHODS = ['CLIENT_SECRET_BASIC', 'CLIENT_SECRET_POST'] as const;
export type TokenAuthMethod = (typeof TOKEN_AUTH_METHODS)[number];

export interface Application {
  readonly id: string;
  readonly environmentId: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly type: 'WORKER';
  readonly protocol: 'OPENID_CONNECT';
  readonly enabled: boolean;
  readonly tokenEndpointAuthMethod: TokenAuthMethod;
  readonly grantTypes: readonly string[];
  /** OAuth scopes the application may request (e.g. UiPath's PM.User). */
  readonly scopes: readonly string[];
  readonly accessTokenTtlSeconds: number;
  readonly secretRotatedAt: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface ApplicationInput {
  readonly name: string;
  readonly description?: string | undefined;
  readonly enabled?: boolean | undefined;
  readonly tokenEndpointAuthMethod?: TokenAuthMethod | undefined;
  readonly scopes?: readonly string[] | undefined;
  readonly accessTokenTtlSeconds?: number | undefined;
}

/** Credentials as stored: only the hash is compared; the sealed copy lets the API show it again. */
export interface ApplicationCredentials {
  readonly secretHash: string;
  readonly secretSealed: string;
}
