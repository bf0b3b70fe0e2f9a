import type { PingOneRoutes } from './context.js';
import { applicationsRoutes } from './applications/applications.routes.js';
import { credentialTypesRoutes } from './credentials/credential-types.routes.js';
import { userCredentialsRoutes } from './credentials/user-credentials.routes.js';
import { walletsRoutes } from './credentials/wallets.routes.js';
import { notificationSettingsRoutes } from './notifications/settings.routes.js';
import { templatesRoutes } from './notifications/templates.routes.js';
import { environmentsRoutes } from './environments/environments.routes.js';
import { organizationsRoutes } from './environments/organizations.routes.js';
import { passwordPoliciesRoutes } from './password-policies/password-policies.routes.js';
import { passwordsRoutes } from './passwords/passwords.routes.js';
import { populationsRoutes } from './populations/populations.routes.js';
import { groupsRoutes } from './groups/groups.routes.js';
import { groupNestingRoutes } from './groups/group-nesting.routes.js';
import { roleAssignmentsRoutes } from './role-assignments/role-assignments.routes.js';
import { resourcesRoutes } from './resources/resources.routes.js';
import { schemasRoutes } from './schemas/schemas.routes.js';
import { sessionsRoutes } from './sessions/sessions.routes.js';
import { signOnPolicyActionsRoutes } from './sign-on-policies/actions.routes.js';
import { signOnPolicyAssignmentsRoutes } from './sign-on-policies/assignments.routes.js';
import { signOnPoliciesRoutes } from './sign-on-policies/sign-on-policies.routes.js';
import { userStateRoutes } from './users/user-state.routes.js';
import { usersRoutes } from './users/users.routes.js';
import { activitiesRoutes } from './activities/activities.routes.js';
import { subscriptionsRoutes } from './subscriptions/subscriptions.routes.js';
import { linkedAccountsRoutes } from './users/linked-accounts.routes.js';

/** Every route module of the management API (`/v1`); each feature adds its own line. */
export const managementRoutes: readonly PingOneRoutes[] = [
  environmentsRoutes,
  organizationsRoutes,
  populationsRoutes,
  applicationsRoutes,
  resourcesRoutes,
  usersRoutes,
  userStateRoutes,
  linkedAccountsRoutes,
  groupsRoutes,
  groupNestingRoutes,
  roleAssignmentsRoutes,
  schemasRoutes,
  credentialTypesRoutes,
  userCredentialsRoutes,
  walletsRoutes,
  templatesRoutes,
  notificationSettingsRoutes,
  passwordPoliciesRoutes,
  passwordsRoutes,
  signOnPoliciesRoutes,
  signOnPolicyActionsRoutes,
  signOnPolicyAssignmentsRoutes,
  sessionsRoutes,
  activitiesRoutes,
  subscriptionsRoutes,
];
