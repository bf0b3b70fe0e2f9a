export const RESOURCE_TYPES = ['OPENID_CONNECT', 'PINGONE_API', 'CUSTOM'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** A protected resource: what access tokens are for (their `aud`) and the scopes it defines. */
export interface Resource {
  readonly id: string;
  readonly environmentId: string;
  readonly name: string;
  readonly type: ResourceType;
  readonly description: string | undefined;
  /** Used as the access token `aud` instead of the name when set. */
  readonly audience: string | undefined;
  readonly accessTokenValiditySeconds: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface ResourceScope {
  readonly id: string;
  readonly environmentId: string;
  readonly resourceId: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Scopes of one resource an application may request. */
export interface ApplicationGrant {
  readonly id: string;
  readonly environmentId: string;
  readonly applicationId: string;
  readonly resourceId: string;
  readonly scopeIds: readonly string[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * The resources every environment has (reference §2.5). The PingOne API resource carries the
 * self-service scopes seen in PingOne user tokens; its management API is governed by roles.
 */
export const BUILT_IN_RESOURCES: ReadonlyArray<{
  readonly name: string;
  readonly type: ResourceType;
  readonly description: string;
  readonly scopes: ReadonlyArray<readonly [name: string, description: string]>;
}> = [
  {
    name: 'openid',
    type: 'OPENID_CONNECT',
    description: 'OpenID Connect',
    scopes: [
      ['openid', 'Signals an OpenID Connect request: the ID token and the sub claim'],
      ['profile', 'The user’s default profile claims'],
      ['email', 'The email and email_verified claims'],
      ['address', 'The address claim'],
      ['phone', 'The phone_number and phone_number_verified claims'],
    ],
  },
  {
    name: 'PingOne API',
    type: 'PINGONE_API',
    description: 'The PingOne platform API',
    scopes: [
      ['p1:read:user', 'Read the signed-on user'],
      ['p1:update:user', 'Update the signed-on user'],
      ['p1:reset:userPassword', 'Change the signed-on user’s password'],
    ],
  },
];

export const DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS = 3600;
