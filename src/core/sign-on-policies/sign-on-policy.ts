import type { JsonObject } from '../shared/json.js';

/**
 * A sign-on policy and its actions (PingOne's "authentication policy"). A policy is a name and
 * an ordered list of actions; applications choose policies through assignments.
 */
export interface SignOnPolicy {
  readonly id: string;
  readonly environmentId: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly isDefault: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface SignOnPolicyInput {
  readonly name: string;
  readonly description?: string | undefined;
  /** Only `true` changes anything: the policy becomes the default and the others lose it. */
  readonly isDefault?: boolean | undefined;
}

/** Every action type PingOne knows (EnumSignOnPolicyType); only LOGIN runs in Tessera so far. */
export const ACTION_TYPES = [
  'LOGIN',
  'MULTI_FACTOR_AUTHENTICATION',
  'IDENTIFIER_FIRST',
  'IDENTITY_PROVIDER',
  'PROGRESSIVE_PROFILING',
  'AGREEMENT',
  'PINGID_WINLOGIN_PASSWORDLESS_AUTHENTICATION',
  'PINGID_AUTHENTICATION',
] as const;
export const SUPPORTED_ACTION_TYPES: readonly string[] = ['LOGIN'];
export type ActionType = 'LOGIN';

/** PingOne's documented cap on the actions of one policy. */
export const MAX_ACTIONS_PER_POLICY = 20;

export interface LoginSettings {
  /** The forgot-password branch of the flow. */
  readonly recoveryEnabled: boolean;
  readonly registration: {
    readonly enabled: boolean;
    /** Where self-registered users go; undefined means the environment's default population. */
    readonly populationId?: string | undefined;
    readonly confirmIdentityProviderAttributes?: boolean | undefined;
  };
  readonly enforceLockoutForIdentityProviders: boolean;
}

export interface SignOnPolicyAction {
  readonly id: string;
  readonly environmentId: string;
  readonly policyId: string;
  readonly type: ActionType;
  readonly priority: number;
  /** Kept exactly as sent; not evaluated yet (docs/sign-on-policies.md). */
  readonly condition: JsonObject | undefined;
  readonly login: LoginSettings;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** An action as a face sends it: the type is free text so the core can say which are supported. */
export interface SignOnPolicyActionInput {
  readonly type: string;
  readonly priority: number;
  readonly condition?: JsonObject | undefined;
  readonly recovery?: { readonly enabled: boolean } | undefined;
  readonly registration?:
    | {
        readonly enabled: boolean;
        readonly populationId?: string | undefined;
        readonly confirmIdentityProviderAttributes?: boolean | undefined;
        /** Registration in an external store: not supported. */
        readonly externalHref?: string | undefined;
      }
    | undefined;
  readonly enforceLockoutForIdentityProviders?: boolean | undefined;
  /** Social sign-on providers: Tessera has no identity providers, so only an empty list passes. */
  readonly socialProviderIds?: readonly string[] | undefined;
  /** Gateway provisioning: not supported. */
  readonly newUserProvisioning?: boolean | undefined;
}

export interface SignOnPolicyAssignment {
  readonly id: string;
  readonly environmentId: string;
  readonly applicationId: string;
  readonly policyId: string;
  readonly priority: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface SignOnPolicyAssignmentInput {
  readonly policyId: string;
  readonly priority: number;
}

/** The policy every environment starts with (reference §5.1, §10.8). */
export const SINGLE_FACTOR_POLICY: SignOnPolicyInput = {
  name: 'Single_Factor',
  description: 'A sign-on policy that requires a username and password',
  isDefault: true,
};

export const SINGLE_FACTOR_LOGIN: LoginSettings = {
  recoveryEnabled: true,
  registration: { enabled: false },
  enforceLockoutForIdentityProviders: false,
};
