import type { ColumnType, Kysely } from 'kysely';

/** SQLite hands booleans back as 0/1; writes accept real booleans (see dialect.ts). */
export type DbBool = ColumnType<boolean | number, boolean, boolean>;

export interface OrganizationsTable {
  id: string;
  name: string;
  created_at: number;
}

export interface EnvironmentsTable {
  id: string;
  organization_id: string;
  name: string;
  description: string | null;
  type: string;
  region: string;
  license_id: string;
  status: string;
  icon: string | null;
  created_at: number;
  updated_at: number;
}

export interface PopulationsTable {
  id: string;
  environment_id: string;
  name: string;
  description: string | null;
  is_default: DbBool;
  password_policy_id: string | null;
  theme_id: string | null;
  alternative_identifiers: string | null;
  preferred_language: string | null;
  created_at: number;
  updated_at: number;
}

export interface UsersTable {
  id: string;
  environment_id: string;
  population_id: string;
  username: string;
  email: string | null;
  enabled: DbBool;
  mfa_enabled: DbBool;
  email_verified: DbBool;
  lifecycle_status: string;
  verify_status: string;
  account_locked: DbBool;
  account_locked_at: number | null;
  account_unlock_at: number | null;
  identity_provider: string;
  profile: string;
  last_sign_on_at: number | null;
  created_at: number;
  updated_at: number;
  revision: number;
}

export interface GroupsTable {
  id: string;
  environment_id: string;
  population_id: string | null;
  name: string;
  description: string | null;
  external_id: string | null;
  custom_data: string | null;
  created_at: number;
  updated_at: number;
}

export interface GroupMembershipsTable {
  group_id: string;
  user_id: string;
  created_at: number;
}

export interface SchemaAttributesTable {
  id: string;
  environment_id: string;
  schema_id: string;
  name: string;
  display_name: string | null;
  description: string | null;
  type: string;
  enabled: DbBool;
  required: DbBool;
  unique_value: DbBool;
  multi_valued: DbBool;
  enumerated_values: string | null;
  regex_validation: string | null;
  created_at: number;
  updated_at: number;
}

export interface ApplicationsTable {
  id: string;
  environment_id: string;
  name: string;
  description: string | null;
  type: string;
  protocol: string;
  enabled: DbBool;
  token_endpoint_auth_method: string;
  grant_types: string;
  scopes: string;
  client_secret_hash: string;
  client_secret_encrypted: string;
  secret_rotated_at: number;
  access_token_ttl_seconds: number;
  created_at: number;
  updated_at: number;
  // Added by 0007_oidc_applications (defaults keep workers as they were).
  response_types: ColumnType<string, string | undefined, string>;
  pkce_enforcement: ColumnType<string, string | undefined, string>;
  redirect_uris: ColumnType<string, string | undefined, string>;
  allow_wildcard_in_redirect_uris: ColumnType<boolean | number, boolean | undefined, boolean>;
  post_logout_redirect_uris: ColumnType<string, string | undefined, string>;
  login_page_url: string | null;
  home_page_url: string | null;
  refresh_token_duration: ColumnType<number, number | undefined, number>;
  refresh_token_rolling_duration: ColumnType<number, number | undefined, number>;
  refresh_token_rolling_grace_period_duration: ColumnType<number, number | undefined, number>;
  additional_refresh_token_replay_protection_enabled: ColumnType<
    boolean | number,
    boolean | undefined,
    boolean
  >;
  cors_settings: string | null;
  idp_signoff: ColumnType<boolean | number, boolean | undefined, boolean>;
  jwks: string | null;
  jwks_url: string | null;
  previous_secret_hash: string | null;
  previous_secret_encrypted: string | null;
  previous_secret_expires_at: number | null;
  previous_secret_last_used_at: number | null;
}

export interface RoleAssignmentsTable {
  id: string;
  environment_id: string;
  actor_type: string;
  actor_id: string;
  role_id: string;
  scope_type: string;
  scope_id: string;
  read_only: DbBool;
  created_at: number;
}

export interface SigningKeysTable {
  id: string;
  environment_id: string;
  algorithm: string;
  public_jwk: string;
  private_jwk: string;
  created_at: number;
}

export interface PasswordPoliciesTable {
  id: string;
  environment_id: string;
  name: string;
  is_default: DbBool;
  document: string;
  created_at: number;
  updated_at: number;
}

export interface InstanceSettingsTable {
  name: string;
  value: string;
}

/**
 * The tables of the foundation migration. Feature folders that add tables extend this interface
 * through module augmentation (`declare module '../../db/schema.js'`) next to their repository.
 */
export interface Database {
  organizations: OrganizationsTable;
  environments: EnvironmentsTable;
  populations: PopulationsTable;
  users: UsersTable;
  groups: GroupsTable;
  group_memberships: GroupMembershipsTable;
  schema_attributes: SchemaAttributesTable;
  applications: ApplicationsTable;
  role_assignments: RoleAssignmentsTable;
  signing_keys: SigningKeysTable;
  password_policies: PasswordPoliciesTable;
  instance_settings: InstanceSettingsTable;
  uipath_user_attributes: UserAttributesTable;
}

/**
 * The users' extended attributes (legacy numeric id, user type, invitation and extension
 * attributes), one row per user that has any. Migration 0005 named the table after the face
 * that first needed it; the core refers to it only through this constant.
 */
export const USER_ATTRIBUTES_TABLE = 'uipath_user_attributes' as const;

export interface UserAttributesTable {
  user_id: string;
  environment_id: string;
  legacy_id: number;
  user_type: number;
  bypass_basic_auth_restriction: DbBool;
  invitation_accepted: DbBool;
  extension_attributes: string;
}

/** A database handle or an open transaction: repositories accept either. */
export type Db = Kysely<Database>;
