import type { Migration } from 'kysely';
import * as foundation from './0001_foundation.js';
import * as passwords from './0003_passwords.js';
import * as credentialsNotifications from './0004_credentials_notifications.js';
import * as uipath from './0005_uipath.js';
import * as signOnPolicies from './0006_sign_on_policies.js';
import * as oidcApplications from './0007_oidc_applications.js';
import * as signonFlows from './0008_signon_flows.js';
import * as oauthGrants from './0009_oauth_grants.js';
import * as groupNesting from './0010_group_nesting.js';
import * as auditWebhooks from './0011_audit_webhooks.js';
import * as filterIndexes from './0012_filter_indexes.js';
import * as filterIndexesInIdOrder from './0013_filter_indexes_in_id_order.js';
import * as usernameInIdOrder from './0014_username_in_id_order.js';
import * as usersHotUpdates from './0015_users_hot_updates.js';

/** Every migration, in order. Names are permanent: they are recorded in the store. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0003_passwords': passwords,
  '0004_credentials_notifications': credentialsNotifications,
  '0005_uipath': uipath,
  '0006_sign_on_policies': signOnPolicies,
  '0007_oidc_applications': oidcApplications,
  '0008_signon_flows': signonFlows,
  '0009_oauth_grants': oauthGrants,
  '0010_group_nesting': groupNesting,
  '0011_audit_webhooks': auditWebhooks,
  '0012_filter_indexes': filterIndexes,
  '0013_filter_indexes_in_id_order': filterIndexesInIdOrder,
  '0014_username_in_id_order': usernameInIdOrder,
  '0015_users_hot_updates': usersHotUpdates,
};
