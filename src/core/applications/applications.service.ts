// Over 300 lines: one service for applications, their secrets and grants (shared closures).
import { authorize, type Actor } from '../access/actor.js';
import { recordRoleAssignmentActivity } from '../access/role-assignment-activities.js';
import {
  insertRoleAssignment,
  listRoleAssignments,
  loadGrants,
} from '../access/role-assignments.repository.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import { findPopulation } from '../populations/populations.repository.js';
import type { Clock } from '../shared/clock.js';
import { invalidValue, notFound, requestFailed } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { generateSecret } from '../shared/secrets.js';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import { grantedScopeRows } from '../resources/resources.repository.js';
import type {
  Application,
  ApplicationInput,
  ApplicationSecret,
  GrantedResourceScopes,
} from './application.js';
import { recordApplicationActivity, recordSecretActivity } from './application-activities.js';
import { createApplicationRoles } from './application-roles.js';
import { resolveApplicationSettings } from './application-validation.js';
import {
  anySealedSecret,
  deleteApplication,
  deletePreviousSecret,
  findApplication,
  findApplicationEnvironment,
  findApplicationWithCredentials,
  insertApplication,
  listApplications,
  updateApplication,
  updateApplicationSecret,
} from './applications.repository.js';
import { createClientAuthenticator } from './client-authentication.js';
import { createSecretKeeper } from './secret-keeper.js';
import { secretMatches } from '../shared/secrets.js';
import { corsAllows, type CorsOperation } from './cors-policy.js';
import { createRemoteKeySets } from './remote-key-sets.js';
import { createRequestObjectVerifier } from './request-objects.js';

export interface ApplicationsServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
  readonly secretKey: string | undefined;
  /** The audience of Tessera's management API: the `aud` of the PingOne API resource. */
  readonly apiAudience: string;
}

export type ApplicationsService = ReturnType<typeof createApplicationsService>;

/** PingOne keeps a previous secret for 1 minute to 30 days (ApplicationSecret.previous.expiresAt). */
const PREVIOUS_SECRET_MIN_MS = 60_000;
const PREVIOUS_SECRET_MAX_MS = 30 * 86_400_000;

const noSecret = () =>
  requestFailed(
    'invalid_value',
    'The application has no secret: its tokenEndpointAuthMethod is NONE.',
    'tokenEndpointAuthMethod',
  );

/**
 * Over 300 lines: the one service every face reaches an application through (CRUD, secrets,
 * client authentication, request objects, CORS checks, grants); the heavy parts live in their own
 * modules (validation, client-authentication, request-objects, cors-policy, secret-keeper) and
 * this file only composes them with authorization and transactions.
 */
export function createApplicationsService({
  store,
  clock,
  environments,
  secretKey,
  apiAudience,
}: ApplicationsServiceDeps) {
  const keeper = createSecretKeeper(store, secretKey);
  const remoteKeySet = createRemoteKeySets();

  async function requireApp(actor: Actor, environmentId: string, id: string, permission: string) {
    const env = await environments.require(environmentId);
    authorize(actor, permission, { environmentId: env.id, organizationId: env.organizationId });
    const app = await findApplication(store.db, environmentId, id);
    if (!app) throw notFound();
    return { env, app };
  }

  /** Inserts an application inside a transaction; used by the API and by bootstrap. */
  async function createWithin(
    trx: Db,
    environmentId: string,
    input: ApplicationInput,
    options: { id?: string; secret?: string } = {},
  ): Promise<{ application: Application; secret: string }> {
    const settings = resolveApplicationSettings(input);
    const secret = options.secret ?? generateSecret();
    const id = options.id ?? newId();
    await insertApplication(trx, {
      id,
      environmentId,
      now: clock.now(),
      secret: await keeper.store(secret, trx),
      settings,
    });
    return { application: (await findApplication(trx, environmentId, id))!, secret };
  }

  async function readSecret(environmentId: string, id: string): Promise<ApplicationSecret> {
    const found = await findApplicationWithCredentials(store.db, environmentId, id);
    if (!found) throw notFound();
    if (found.application.tokenEndpointAuthMethod === 'NONE') throw noSecret();
    const { previous } = found.credentials;
    const live = previous !== undefined && previous.expiresAt > clock.now();
    return {
      secret: await keeper.open(found.credentials),
      ...(live
        ? {
            previous: {
              secret: await keeper.open(previous),
              expiresAt: previous.expiresAt,
              lastUsedAt: previous.lastUsedAt,
            },
          }
        : {}),
    };
  }

  return {
    createWithin,
    /** The current secret, without authorization (export; callers authorize). */
    secretOf: readSecret,

    /** True when `secret` is the application's current secret (bootstrap checks at start). */
    async secretIs(environmentId: string, id: string, secret: string): Promise<boolean> {
      const found = await findApplicationWithCredentials(store.db, environmentId, id);
      return found !== undefined && secretMatches(secret, found.credentials.secretHash);
    },

    /** Sets a new secret and drops any previous one, inside `trx` (bootstrap recovery). */
    async replaceSecretWithin(trx: Db, id: string, secret: string): Promise<void> {
      const stored = await keeper.store(secret, trx);
      await updateApplicationSecret(
        trx,
        id,
        { secret: stored, previous: undefined, keepPreviousUntil: undefined },
        clock.now(),
      );
    },

    /** False when a stored client secret cannot be opened with the sealing key (key changed). */
    async sealedSecretsReadable(): Promise<boolean> {
      const sealed = await anySealedSecret(store.db);
      if (sealed === undefined) return true;
      return keeper.opens(sealed);
    },

    async create(actor: Actor, environmentId: string, input: ApplicationInput) {
      const env = await environments.require(environmentId);
      authorize(actor, 'apps:create:application', {
        environmentId: env.id,
        organizationId: env.organizationId,
      });
      return store.transaction(async (trx) => {
        const created = await createWithin(trx, environmentId, input);
        await recordApplicationActivity(trx, clock.now(), actor, created.application, 'CREATED');
        // A worker created by an admin inherits the creator's role assignments, so it can get a
        // token at once (a worker without any role is refused one). Least privilege: a worker
        // created with its own OAuth scopes is authorized by those scopes and inherits no role; roles are then granted only explicitly, through
        // its role assignments (docs/security.md).
        if (created.application.type !== 'WORKER') return created.application;
        if (created.application.scopes.length > 0) return created.application;
        const now = clock.now();
        for (const inherited of await listRoleAssignments(trx, actor.id)) {
          const assignment = {
            ...inherited,
            id: newId(),
            environmentId,
            actorType: 'application' as const,
            actorId: created.application.id,
            readOnly: false,
            createdAt: now,
          };
          await insertRoleAssignment(trx, assignment);
          await recordRoleAssignmentActivity(trx, now, actor, assignment, created.application, 'CREATED');
        }
        return created.application;
      });
    },

    async get(actor: Actor, environmentId: string, id: string): Promise<Application> {
      return (await requireApp(actor, environmentId, id, 'apps:read:application')).app;
    },

    async list(actor: Actor, environmentId: string): Promise<Application[]> {
      const env = await environments.require(environmentId);
      authorize(actor, 'apps:read:application', {
        environmentId: env.id,
        organizationId: env.organizationId,
      });
      return listApplications(store.db, environmentId);
    },

    async replace(
      actor: Actor,
      environmentId: string,
      id: string,
      input: ApplicationInput,
    ): Promise<Application> {
      const { app } = await requireApp(actor, environmentId, id, 'apps:update:application');
      const settings = resolveApplicationSettings(input, app);
      await store.transaction(async (trx) => {
        await updateApplication(trx, id, settings, clock.now());
        // A secret never shown while the app was public must not come back to life: a fresh one.
        if (app.tokenEndpointAuthMethod === 'NONE' && settings.tokenEndpointAuthMethod !== 'NONE') {
          const secret = await keeper.store(generateSecret(), trx);
          await updateApplicationSecret(
            trx,
            id,
            { secret, previous: undefined, keepPreviousUntil: undefined },
            clock.now(),
          );
        }
        await recordApplicationActivity(trx, clock.now(), actor, { ...app, ...settings }, 'UPDATED');
      });
      return (await findApplication(store.db, environmentId, id))!;
    },

    async delete(actor: Actor, environmentId: string, id: string): Promise<void> {
      const { app } = await requireApp(actor, environmentId, id, 'apps:delete:application');
      if (id === actor.id)
        throw requestFailed('constraint_violation', 'An application cannot delete itself.');
      await store.transaction(async (trx) => {
        await deleteApplication(trx, id);
        await recordApplicationActivity(trx, clock.now(), actor, app, 'DELETED');
      });
    },

    /** The current secret and, while it lasts, the previous one. NONE applications have none. */
    async readSecret(actor: Actor, environmentId: string, id: string): Promise<ApplicationSecret> {
      const { app } = await requireApp(actor, environmentId, id, 'apps:read:applicationSecret');
      const secret = await readSecret(environmentId, id);
      // Reading a secret is itself audited (SECRET.READ), once the read succeeded.
      await store.transaction((trx) => recordSecretActivity(trx, clock.now(), actor, app, 'read'));
      return secret;
    },

    /**
     * A new secret. With `previousExpiresAt` the old one keeps working until then (1 minute to
     * 30 days ahead); without it the old one stops working at once.
     */
    async rotateSecret(
      actor: Actor,
      environmentId: string,
      id: string,
      options: { previousExpiresAt?: number | undefined } = {},
    ): Promise<ApplicationSecret> {
      const { app } = await requireApp(actor, environmentId, id, 'apps:update:applicationSecret');
      if (app.tokenEndpointAuthMethod === 'NONE') throw noSecret();
      const now = clock.now();
      const until = options.previousExpiresAt;
      if (
        until !== undefined &&
        (until < now + PREVIOUS_SECRET_MIN_MS || until > now + PREVIOUS_SECRET_MAX_MS)
      ) {
        throw invalidValue(
          'previous.expiresAt',
          'previous.expiresAt must be between 1 minute and 30 days from now.',
        );
      }
      await store.transaction(async (trx) => {
        const found = await findApplicationWithCredentials(trx, environmentId, id);
        if (!found) throw notFound();
        const secret = await keeper.store(generateSecret(), trx);
        await updateApplicationSecret(
          trx,
          id,
          { secret, previous: found.credentials, keepPreviousUntil: until },
          now,
        );
        await recordSecretActivity(trx, now, actor, app, 'regenerated');
      });
      return readSecret(environmentId, id);
    },

    /** Stops the previous secret at once (PingOne's DELETE …/secret). */
    async deletePreviousSecret(actor: Actor, environmentId: string, id: string): Promise<void> {
      const { app } = await requireApp(actor, environmentId, id, 'apps:update:applicationSecret');
      if (app.tokenEndpointAuthMethod === 'NONE') throw noSecret();
      await store.transaction(async (trx) => {
        await deletePreviousSecret(trx, id);
        await recordSecretActivity(trx, clock.now(), actor, app, 'previous revoked');
      });
    },

    ...createApplicationRoles(store, clock, requireApp),

    /**
     * Authenticates a client at a token-style endpoint: the app exists, is enabled, uses this
     * method, and its secret or assertion holds. Throws OAuthError('invalid_client').
     */
    authenticateClient: createClientAuthenticator(store, clock, keeper, remoteKeySet),

    /** Verifies an authorize request object (OIDC Core §6.1); throws RequestObjectError. */
    verifyRequestObject: createRequestObjectVerifier(store, clock, keeper, remoteKeySet),

    /** What the application's resource grants allow, for the authorization server's scope checks. */
    async grantedScopes(
      environmentId: string,
      applicationId: string,
    ): Promise<readonly GrantedResourceScopes[]> {
      const rows = await grantedScopeRows(store.db, environmentId, applicationId);
      return rows.map(({ resource, scopes }) => ({
        resource: {
          id: resource.id,
          name: resource.name,
          type: resource.type,
          audience: resource.type === 'PINGONE_API' ? apiAudience : (resource.audience ?? resource.name),
        },
        scopes,
      }));
    },

    /**
     * Whether the application's `corsSettings` let a browser on `origin` call the operation
     * (false for an unknown application). No actor: the auth face asks before anyone signs in.
     */
    async allowsOrigin(
      environmentId: string,
      applicationId: string,
      origin: string,
      operation: CorsOperation,
    ): Promise<boolean> {
      const app = await findApplication(store.db, environmentId, applicationId);
      return app !== undefined && corsAllows(app.corsSettings, origin, operation);
    },

    /**
     * Whether any application of the environment lets `origin` call the operation: the answer to
     * a preflight, which carries no client id or token to say which application is calling.
     */
    async anyAllowsOrigin(environmentId: string, origin: string, operation: CorsOperation): Promise<boolean> {
      const apps = await listApplications(store.db, environmentId);
      return apps.some((app) => corsAllows(app.corsSettings, origin, operation));
    },

    /** Role grants of an application, for token issuance and request authentication. */
    grantsOf: (applicationId: string) => loadGrants(store.db, applicationId),
    /** The environment of an application, for token requests that name no environment. */
    environmentOf: (applicationId: string): Promise<string | undefined> =>
      findApplicationEnvironment(store.db, applicationId),
    findWithCredentials: (environmentId: string, id: string) =>
      findApplicationWithCredentials(store.db, environmentId, id),
    populationExists: async (environmentId: string, id: string) =>
      (await findPopulation(store.db, environmentId, id)) !== undefined,
  };
}
