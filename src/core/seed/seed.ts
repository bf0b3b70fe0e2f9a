import type { ApplicationInput } from '../applications/application.js';
import type { CredentialType, CredentialTypeVersion } from '../credentials/credential-type.js';
import type { ContentMethod } from '../notifications/notification.js';
import type { EnvironmentType, Region } from '../environments/environment.js';
import type { PolicyRules } from '../password-policies/password-policy.js';
import type { SchemaAttribute } from '../schemas/schema.js';
import type { JsonObject } from '../shared/json.js';
import type { LifecycleStatus } from '../users/user.js';

/**
 * A seed document: the directory content a test suite (or a migration) starts from. The JSON
 * Schema `schemas/seed.schema.json` describes the same shape for authors; `tessera export`
 * writes it. Every id is optional (given ids make tests deterministic); children are matched by
 * id, else by their natural key (name, username), so applying a document twice changes nothing.
 */
export interface SeedDocument {
  readonly version?: 1;
  readonly environments: readonly SeedEnvironment[];
}

export interface SeedEnvironment {
  readonly id?: string;
  readonly name: string;
  readonly description?: string;
  readonly type?: EnvironmentType;
  readonly region?: Region;
  readonly licenseId?: string;
  /** The environment holding the bootstrap worker: content goes into the target's own one. */
  readonly bootstrap?: boolean;
  readonly passwordPolicies?: readonly SeedPasswordPolicy[];
  readonly populations?: readonly SeedPopulation[];
  readonly schemaAttributes?: readonly SeedAttribute[];
  readonly users?: readonly SeedUser[];
  readonly groups?: readonly SeedGroup[];
  readonly applications?: readonly SeedApplication[];
  readonly notificationContents?: readonly SeedNotificationContent[];
  readonly credentialTypes?: readonly SeedCredentialType[];
}

export interface SeedPasswordPolicy {
  readonly id?: string;
  readonly name: string;
  readonly description?: string;
  readonly default?: boolean;
  readonly rules: Partial<PolicyRules>;
}

export interface SeedPopulation {
  readonly id?: string;
  readonly name: string;
  readonly description?: string;
  readonly default?: boolean;
  readonly passwordPolicyId?: string;
}

export type SeedAttribute = Partial<
  Omit<SchemaAttribute, 'environmentId' | 'schemaId' | 'createdAt' | 'updatedAt'>
> &
  Pick<SchemaAttribute, 'name' | 'type'>;

/** Cleartext (checked against the policy unless `bypassPolicy`) or pre-encoded (`{SCHEME}…`). */
export type SeedPassword =
  string | { readonly value: string; readonly forceChange?: boolean; readonly bypassPolicy?: boolean };

export interface SeedRoleAssignment {
  readonly id?: string;
  readonly roleId: string;
  readonly scope: { readonly type: 'ORGANIZATION' | 'ENVIRONMENT' | 'POPULATION'; readonly id: string };
  readonly readOnly?: boolean;
}

export interface SeedUser {
  readonly id?: string;
  readonly username: string;
  readonly email?: string;
  readonly populationId?: string;
  readonly enabled?: boolean;
  readonly mfaEnabled?: boolean;
  readonly emailVerified?: boolean;
  readonly lifecycleStatus?: LifecycleStatus;
  readonly profile?: JsonObject;
  readonly password?: SeedPassword;
  readonly roleAssignments?: readonly SeedRoleAssignment[];
}

export interface SeedGroup {
  readonly id?: string;
  readonly name: string;
  readonly description?: string;
  readonly populationId?: string;
  readonly externalId?: string;
  readonly customData?: JsonObject;
  /** Member user ids, or usernames of this environment. */
  readonly members?: readonly string[];
}

export type SeedApplication = ApplicationInput & {
  readonly id?: string;
  /** The client secret (generated when absent). */
  readonly secret?: string;
  readonly roleAssignments?: readonly SeedRoleAssignment[];
};

/** A customized notification template content, in Tessera's stored shape. */
export interface SeedNotificationContent {
  readonly id?: string;
  readonly template: string;
  readonly deliveryMethod: ContentMethod;
  readonly locale: string;
  readonly variant?: string;
  readonly email?: JsonObject;
  readonly sms?: JsonObject;
}

/** A credential type and its versions, in Tessera's stored shape (export one to write one). */
export type SeedCredentialType = Omit<CredentialType, 'environmentId'> & {
  readonly versions?: ReadonlyArray<Omit<CredentialTypeVersion, 'environmentId' | 'credentialTypeId'>>;
};

/** A seed that cannot be applied; the message starts with the path in the file. */
export class SeedError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'SeedError';
  }
}
