/**
 * Built-in administrator roles. Ids are fixed so that tests, documentation and clients can name
 * them; permissions follow PingOne's `<service>:<action>:<resource>` vocabulary.
 */
export type ScopeType = 'ORGANIZATION' | 'ENVIRONMENT' | 'POPULATION' | 'APPLICATION';

export interface Role {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly applicableTo: readonly ScopeType[];
  readonly permissions: readonly string[];
  /** Roles this role may assign to others (PingOne's "who can assign whom"). */
  readonly canAssign: readonly string[];
}

const crud = (service: string, resource: string, actions = ['read', 'create', 'update', 'delete']) =>
  actions.map((action) => `${service}:${action}:${resource}`);

const ENVIRONMENTS_ALL = crud('orgmgt', 'environment');
const POPULATIONS_ALL = crud('dir', 'population');
const USERS_ALL = crud('dir', 'user');
const GROUPS_ALL = crud('dir', 'group');
const PASSWORDS_ALL = ['dir:read:userPassword', 'dir:update:userPassword'];
const POLICIES_ALL = crud('dir', 'passwordPolicy');
const SIGN_ON_POLICIES_ALL = crud('authn', 'signOnPolicy');
const SCHEMAS_ALL = ['dir:read:schema', 'dir:update:schema'];
const APPLICATIONS_ALL = [
  ...crud('apps', 'application'),
  'apps:read:applicationSecret',
  'apps:update:applicationSecret',
];
const ROLE_ASSIGNMENTS_ALL = [
  'permissions:read:roleAssignments',
  'permissions:create:roleAssignments',
  'permissions:delete:roleAssignments',
];
const CREDENTIAL_TYPES_ALL = crud('credentials', 'credentialType');
const USER_CREDENTIALS_ALL = [
  ...crud('credentials', 'userCredential'),
  ...crud('credentials', 'digitalWallet'),
];
const WALLET_APPS_ALL = crud('credentials', 'digitalWalletApplication');
// The reference names no role for the audit trail and webhooks; see docs/audit.md for the choice.
const AUDIT_READ = 'audit:read:activity';
const SUBSCRIPTIONS_ALL = crud('subscriptions', 'subscription');
const NOTIFICATIONS_ALL = crud('notifications', 'template').concat(crud('notifications', 'settings'));

export const ROLE_IDS = {
  organizationAdmin: '2f2a4c6e-7a3d-4a61-9d2a-0c3a6c1f0001',
  environmentAdmin: '2f2a4c6e-7a3d-4a61-9d2a-0c3a6c1f0002',
  identityDataAdmin: '2f2a4c6e-7a3d-4a61-9d2a-0c3a6c1f0003',
  identityDataReadOnly: '2f2a4c6e-7a3d-4a61-9d2a-0c3a6c1f0004',
  clientApplicationDeveloper: '2f2a4c6e-7a3d-4a61-9d2a-0c3a6c1f0005',
  configurationReadOnly: '2f2a4c6e-7a3d-4a61-9d2a-0c3a6c1f0006',
} as const;

export const ROLES: readonly Role[] = [
  {
    id: ROLE_IDS.organizationAdmin,
    name: 'Organization Admin',
    description: 'Manages the organization and its environments.',
    applicableTo: ['ORGANIZATION'],
    permissions: [...ENVIRONMENTS_ALL, ...ROLE_ASSIGNMENTS_ALL],
    canAssign: [ROLE_IDS.environmentAdmin],
  },
  {
    id: ROLE_IDS.environmentAdmin,
    name: 'Environment Admin',
    description:
      'Manages environments and their configuration: populations, password and sign-on policies, applications.',
    applicableTo: ['ORGANIZATION', 'ENVIRONMENT'],
    permissions: [
      ...ENVIRONMENTS_ALL,
      ...POPULATIONS_ALL,
      ...POLICIES_ALL,
      ...SIGN_ON_POLICIES_ALL,
      ...SCHEMAS_ALL,
      ...APPLICATIONS_ALL,
      ...ROLE_ASSIGNMENTS_ALL,
      ...CREDENTIAL_TYPES_ALL,
      ...WALLET_APPS_ALL,
      ...NOTIFICATIONS_ALL,
      AUDIT_READ,
      ...SUBSCRIPTIONS_ALL,
    ],
    canAssign: [
      ROLE_IDS.environmentAdmin,
      ROLE_IDS.identityDataAdmin,
      ROLE_IDS.identityDataReadOnly,
      ROLE_IDS.clientApplicationDeveloper,
      ROLE_IDS.configurationReadOnly,
    ],
  },
  {
    id: ROLE_IDS.identityDataAdmin,
    name: 'Identity Data Admin',
    description: 'Manages users, their passwords, groups, populations and credentials.',
    applicableTo: ['ORGANIZATION', 'ENVIRONMENT', 'POPULATION'],
    permissions: [
      'orgmgt:read:environment',
      ...POPULATIONS_ALL,
      ...USERS_ALL,
      ...GROUPS_ALL,
      ...PASSWORDS_ALL,
      'dir:read:passwordPolicy',
      'dir:read:schema',
      ...USER_CREDENTIALS_ALL,
      'credentials:read:credentialType',
      'credentials:read:digitalWalletApplication',
      'permissions:read:roleAssignments',
      'notifications:read:template',
      AUDIT_READ,
    ],
    canAssign: [ROLE_IDS.identityDataAdmin, ROLE_IDS.identityDataReadOnly],
  },
  {
    id: ROLE_IDS.identityDataReadOnly,
    name: 'Identity Data Read Only',
    description: 'Reads users, groups, populations and password state.',
    applicableTo: ['ORGANIZATION', 'ENVIRONMENT', 'POPULATION'],
    permissions: [
      'orgmgt:read:environment',
      'dir:read:population',
      'dir:read:user',
      'dir:read:group',
      'dir:read:userPassword',
      'dir:read:passwordPolicy',
      'dir:read:schema',
      'credentials:read:userCredential',
      'credentials:read:digitalWallet',
      'credentials:read:credentialType',
      AUDIT_READ,
    ],
    canAssign: [],
  },
  {
    id: ROLE_IDS.clientApplicationDeveloper,
    name: 'Client Application Developer',
    description: 'Manages applications and their secrets.',
    applicableTo: ['ORGANIZATION', 'ENVIRONMENT'],
    permissions: ['orgmgt:read:environment', ...APPLICATIONS_ALL],
    canAssign: [],
  },
  {
    id: ROLE_IDS.configurationReadOnly,
    name: 'Configuration Read Only',
    description: 'Reads environment configuration.',
    applicableTo: ['ORGANIZATION', 'ENVIRONMENT'],
    permissions: [
      'orgmgt:read:environment',
      'dir:read:population',
      'dir:read:passwordPolicy',
      'authn:read:signOnPolicy',
      'dir:read:schema',
      'apps:read:application',
      'credentials:read:credentialType',
      'notifications:read:template',
      'notifications:read:settings',
      AUDIT_READ,
      'subscriptions:read:subscription',
    ],
    canAssign: [],
  },
];

const BY_ID = new Map(ROLES.map((role) => [role.id, role]));
export const findRole = (id: string): Role | undefined => BY_ID.get(id);
