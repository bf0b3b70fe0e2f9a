import type { Store } from '../../db/store.js';
import type { Db } from '../../db/schema.js';
import { listRoleAssignments } from '../access/role-assignments.repository.js';
import type { Application } from '../applications/application.js';
import { listApplications } from '../applications/applications.repository.js';
import type { ApplicationsService } from '../applications/applications.service.js';
import { listCredentialTypes, listVersions } from '../credentials/credential-types.repository.js';
import type { Environment } from '../environments/environment.js';
import { listEnvironments } from '../environments/environments.repository.js';
import { groupIdsOfUsers, listGroups } from '../groups/groups.repository.js';
import { listContents } from '../notifications/contents.repository.js';
import { TEMPLATES } from '../notifications/templates.js';
import { listPolicies } from '../password-policies/password-policies.repository.js';
import { findRecord } from '../passwords/passwords.repository.js';
import { listPopulations } from '../populations/populations.repository.js';
import { listAttributes } from '../schemas/schemas.repository.js';
import type { User } from '../users/user.js';
import { listUsers } from '../users/users-list.repository.js';
import type { SeedDocument, SeedEnvironment, SeedRoleAssignment, SeedUser } from './seed.js';
import type { SeedTarget } from './seed.service.js';

const PAGE = 1000;

/** Keys in sorted order at every level: stored JSON may come back in another order after a seed. */
function sortedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortedKeys) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]),
  ) as T;
}

/** Sections with nothing in them are left out, so an export stays short and stable. */
const section = <K extends string, T>(key: K, items: readonly T[]): Partial<Record<K, readonly T[]>> =>
  items.length > 0 ? ({ [key]: items } as Record<K, readonly T[]>) : {};

async function roleAssignmentsOf(db: Db, actorId: string): Promise<SeedRoleAssignment[]> {
  return (await listRoleAssignments(db, actorId))
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((a) => ({
      id: a.id,
      roleId: a.roleId,
      scope: { type: a.scopeType as SeedRoleAssignment['scope']['type'], id: a.scopeId },
      ...(a.readOnly ? { readOnly: true } : {}),
    }));
}

async function allUsers(db: Db, environmentId: string): Promise<User[]> {
  const all: User[] = [];
  for (let after: string | undefined; ;) {
    const page = await listUsers(db, { environmentId, after, limit: PAGE });
    all.push(...page.slice(0, PAGE));
    if (page.length <= PAGE) return all;
    after = page[PAGE - 1]!.id;
  }
}

async function exportUser(db: Db, user: User): Promise<SeedUser> {
  const record = await findRecord(db, user.id);
  const roles = await roleAssignmentsOf(db, user.id);
  return {
    id: user.id,
    username: user.username,
    ...(user.email !== undefined ? { email: user.email } : {}),
    populationId: user.populationId,
    enabled: user.enabled,
    mfaEnabled: user.mfaEnabled,
    emailVerified: user.emailVerified,
    lifecycleStatus: user.lifecycleStatus,
    profile: sortedKeys(user.profile),
    // The stored hash is already in `{SCHEME}…` form: it imports back as a pre-encoded value.
    ...(record?.hash !== undefined
      ? { password: { value: record.hash, forceChange: record.mustChange } }
      : {}),
    ...section('roleAssignments', roles),
  };
}

function applicationInput(app: Application) {
  const {
    id: _i,
    environmentId: _e,
    protocol: _p,
    secretRotatedAt: _s,
    createdAt: _c,
    updatedAt: _u,
    ...settings
  } = app;
  return settings;
}

/** Reads the whole directory of an instance as a seed document (see seed.ts). */
export function createSeedExporter({
  store,
  applications,
}: {
  store: Store;
  applications: ApplicationsService;
}) {
  async function exportEnvironment(db: Db, env: Environment, target: SeedTarget): Promise<SeedEnvironment> {
    const users = await allUsers(db, env.id);
    const memberships = await groupIdsOfUsers(
      db,
      users.map((u) => u.id),
    );
    const membersOf = (groupId: string) =>
      users.filter((u) => memberships.get(u.id)?.includes(groupId)).map((u) => u.id);
    const apps = (await listApplications(db, env.id)).filter((a) => a.id !== target.clientId);
    const contents = [];
    for (const template of TEMPLATES) contents.push(...(await listContents(db, env.id, template.name)));
    const credentialTypes = [];
    for (const type of await listCredentialTypes(db, env.id)) {
      const { environmentId: _e, ...rest } = type;
      const versions = (await listVersions(db, type.id)).map(
        ({ environmentId: _v, credentialTypeId: _t, ...version }) => version,
      );
      credentialTypes.push({ ...rest, ...section('versions', versions) });
    }
    return {
      id: env.id,
      name: env.name,
      ...(env.description !== undefined ? { description: env.description } : {}),
      type: env.type,
      region: env.region,
      licenseId: env.licenseId,
      ...(env.id === target.environmentId ? { bootstrap: true } : {}),
      ...section(
        'passwordPolicies',
        (await listPolicies(db, { environmentId: env.id, limit: 10_000 })).map((p) => ({
          id: p.id,
          name: p.name,
          ...(p.description !== undefined ? { description: p.description } : {}),
          default: p.isDefault,
          rules: sortedKeys(p.rules),
        })),
      ),
      ...section(
        'populations',
        (await listPopulations(db, { environmentId: env.id, limit: 100_000 })).map((p) => ({
          id: p.id,
          name: p.name,
          ...(p.description !== undefined ? { description: p.description } : {}),
          default: p.isDefault,
          ...(p.passwordPolicyId !== undefined ? { passwordPolicyId: p.passwordPolicyId } : {}),
        })),
      ),
      ...section(
        'schemaAttributes',
        (await listAttributes(db, env.id)).map(
          ({ environmentId: _e, schemaId: _s, createdAt: _c, updatedAt: _u, ...attribute }) => attribute,
        ),
      ),
      ...section('users', await Promise.all(users.map((u) => exportUser(db, u)))),
      ...section(
        'groups',
        (await listGroups(db, { environmentId: env.id, limit: 1_000_000 })).map((g) => ({
          id: g.id,
          name: g.name,
          ...(g.description !== undefined ? { description: g.description } : {}),
          ...(g.populationId !== undefined ? { populationId: g.populationId } : {}),
          ...(g.externalId !== undefined ? { externalId: g.externalId } : {}),
          ...(g.customData !== undefined ? { customData: sortedKeys(g.customData) } : {}),
          ...section('members', membersOf(g.id)),
        })),
      ),
      ...section(
        'applications',
        await Promise.all(
          apps.map(async (app) => ({
            id: app.id,
            ...applicationInput(app),
            ...(app.tokenEndpointAuthMethod === 'NONE'
              ? {}
              : { secret: (await applications.secretOf(env.id, app.id)).secret }),
            ...section('roleAssignments', await roleAssignmentsOf(db, app.id)),
          })),
        ),
      ),
      ...section(
        'notificationContents',
        contents.map((c) => ({
          id: c.id,
          template: c.template,
          deliveryMethod: c.deliveryMethod,
          locale: c.locale,
          ...(c.variant !== '' ? { variant: c.variant } : {}),
          ...(c.email ? { email: c.email } : {}),
          ...(c.sms ? { sms: c.sms } : {}),
        })),
      ),
      ...section('credentialTypes', credentialTypes),
    } as SeedEnvironment;
  }

  /** The instance's directory, environments in creation order (the bootstrap one first). */
  return async function exportStore(target: SeedTarget): Promise<SeedDocument> {
    const db = store.db;
    const envs = await listEnvironments(db, { organizationId: target.organizationId, limit: 100_000 });
    const sorted = [...envs].sort((a, b) => a.id.localeCompare(b.id));
    const environments = [];
    for (const env of sorted) environments.push(await exportEnvironment(db, env, target));
    return { version: 1, environments };
  };
}
