import type { Config } from '../config/config.js';
import type { Store } from '../db/store.js';
import { createApplicationsService } from './applications/applications.service.js';
import { createCredentialTypesService } from './credentials/credential-types.service.js';
import { createUserCredentialsService } from './credentials/user-credentials.service.js';
import { createWalletsService } from './credentials/wallets.service.js';
import { createNotificationsService } from './notifications/notifications.service.js';
import { createScheduler } from './scheduler/scheduler.js';
import { createEnvironmentsService, type EnvironmentSeeder } from './environments/environments.service.js';
import { createPasswordPoliciesService } from './password-policies/password-policies.service.js';
import { createPasswordsService } from './passwords/passwords.service.js';
import { createPopulationsService } from './populations/populations.service.js';
import type { Clock } from './shared/clock.js';
import { createSigningKeys } from './tokens/signing-keys.js';
import { createTokensService } from './tokens/tokens.service.js';
import { countIssuedTokens, countIssuedUserTokens } from './tokens/token-metrics.js';
import { noMetrics, type Metrics } from './shared/metrics.js';
import { createDirectoryService } from './users/directory.service.js';
import { createUsersService } from './users/users.service.js';
import { createGroupsService } from './groups/groups.service.js';
import { createGroupNestingService } from './groups/nesting.service.js';
import { createSubjectRolesService } from './access/subject-roles.service.js';
import { createSchemasService } from './schemas/schemas.service.js';
import { createOAuthService } from './oauth/oauth.service.js';
import { createResourcesService } from './resources/resources.service.js';
import { createSignOnPoliciesService } from './sign-on-policies/sign-on-policies.service.js';
import { createSignOnPolicyResolver } from './sign-on-policies/resolver.js';
import { createFlowsService } from './signon/flows.service.js';
import { createSessionsService } from './signon/sessions.service.js';
import { OffsetClock } from './shared/offset-clock.js';
import { createActivitiesService } from './activities/activities.service.js';
import { createWebhooksService } from './webhooks/webhooks.service.js';
import { createTestModeService } from './test-mode/test-mode.service.js';
import { createSeedService } from './seed/seed.service.js';

export interface CoreDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly config: Config;
  /** The operator's metrics (Prometheus in the app); `noMetrics` when not given. */
  readonly metrics?: Metrics;
}

/**
 * The composition root of the domain core: every service is built here, once per app, from the
 * store, the clock and the configuration. Nothing in the core knows about HTTP.
 */
export function createServices({ store, clock: baseClock, config, metrics = noMetrics }: CoreDeps) {
  // In test mode every service reads a clock tests can move (POST /tessera/testing/clock).
  const testClock = config.testMode ? new OffsetClock(baseClock) : undefined;
  const clock = testClock ?? baseClock;
  const seeders: EnvironmentSeeder[] = [];
  const environments = createEnvironmentsService({
    store,
    clock,
    seeders,
    cacheMs: config.accessCacheMs,
  });
  const populations = createPopulationsService({ store, clock, environments });
  const applications = createApplicationsService({
    store,
    clock,
    environments,
    secretKey: config.secretKey,
    apiAudience: config.publicUrl,
  });
  const resources = createResourcesService({ store, clock, environments });
  seeders.push(resources.seeder);
  const keys = createSigningKeys(store, clock);
  const subjectRoles = createSubjectRolesService({ store, clock, environments });
  const tokens = countIssuedTokens(
    createTokensService({
      clock,
      keys,
      applications,
      environments,
      audience: config.publicUrl,
      writes: store.writes,
      accessCacheMs: config.accessCacheMs,
      userAuthority: subjectRoles.userAuthority,
    }),
    metrics,
  );
  const users = createUsersService({
    store,
    clock,
    environments,
    passwords: () => passwords,
    cacheMs: config.accessCacheMs,
  });
  const groups = createGroupsService({ store, clock, environments });
  const groupNesting = createGroupNestingService({ store, clock, environments });
  const schemas = createSchemasService({ store, clock, environments });
  // Background jobs (outbox delivery, credential expiry); buildApp starts and stops it.
  const scheduler = createScheduler({ intervalMs: config.schedulerIntervalMs, clocks: testClock });
  const notifications = createNotificationsService({
    store,
    clock,
    environments,
    secretKey: config.secretKey,
    testMailbox: config.testMailbox,
    metrics,
  });
  const passwordPolicies = createPasswordPoliciesService({
    store,
    clock,
    environments,
    cacheMs: config.accessCacheMs,
  });
  seeders.push(passwordPolicies.seeder);
  const signOnPolicies = createSignOnPoliciesService({ store, clock, environments, applications });
  seeders.push(signOnPolicies.seeder);
  const passwords = createPasswordsService({
    store,
    clock,
    hashing: config.hashing,
    environments,
    users,
    policies: passwordPolicies,
    notifications: () => notifications,
    metrics,
  });
  const directory = createDirectoryService({ store, environments, users, groups, passwords });
  const credentialTypes = createCredentialTypesService({ store, clock, environments });
  const userCredentials = createUserCredentialsService({ store, clock, environments, users, notifications });
  const wallets = createWalletsService({ store, clock, environments, users });
  const sessions = createSessionsService({ store, clock, environments, users });
  const flows = createFlowsService({
    store,
    clock,
    environments,
    users,
    passwords,
    passwordPolicies,
    resolver: createSignOnPolicyResolver(store),
    sessions,
    secretKey: config.secretKey,
    metrics,
  });
  scheduler.register({
    name: 'signon-expiry',
    run: async (scope) => {
      await flows.purgeExpired(scope);
      await sessions.purgeExpired(scope);
    },
  });
  const oauth = countIssuedUserTokens(
    createOAuthService({
      store,
      clock,
      keys,
      environments,
      sessions: {
        isLive: async (environmentId, id) => (await sessions.findLive(environmentId, id)) !== undefined,
        touch: async (environmentId, id) => {
          await sessions.touch(environmentId, id);
        },
      },
      platformAudience: config.publicUrl,
      publicUrl: config.publicUrl,
      applications,
      grantedScopes: async (environmentId, applicationId) =>
        (await applications.grantedScopes(environmentId, applicationId))
          .filter((grant) => grant.resource.type === 'OPENID_CONNECT')
          .flatMap((grant) => grant.scopes),
    }),
    metrics,
  );
  scheduler.register({ name: 'oauth-expiry', run: (scope) => oauth.deleteExpired(scope) });
  // Expiry first: it may enqueue credential_revoked messages the outbox pass then sends.
  scheduler.register({ name: 'credential-expiry', run: (scope) => userCredentials.expireDue(scope) });
  scheduler.register({ name: 'notification-outbox', run: (scope) => notifications.deliverDue(scope) });
  const activities = createActivitiesService({
    store,
    clock,
    environments,
    retentionDays: config.activityRetentionDays,
  });
  const webhooks = createWebhooksService({
    store,
    clock,
    environments,
    secretKey: config.secretKey,
    timeoutMs: config.webhookTimeoutMs,
    metrics,
  });
  scheduler.register({ name: 'webhook-delivery', run: (scope) => webhooks.deliverDue(scope) });
  // Retention runs at most once a minute (of the service clock, per clock), not on every tick.
  const retentionRanAt = new Map<string, number>();
  scheduler.register({
    name: 'audit-retention',
    run: async (scope) => {
      const key = scope?.only ?? '';
      if (clock.now() - (retentionRanAt.get(key) ?? Number.NEGATIVE_INFINITY) < 60_000) return;
      retentionRanAt.set(key, clock.now());
      await activities.prune(scope);
      await webhooks.dropStale(scope);
    },
  });
  const seed = createSeedService({ store, clock, environments, applications, users, passwords });
  const testMode = testClock && createTestModeService({ store, clock: testClock, environments, scheduler });
  return {
    ...{
      store,
      clock,
      config,
      metrics,
      seeders,
      environments,
      populations,
      applications,
      tokens,
      users,
      groups,
      groupNesting,
      subjectRoles,
      schemas,
    },
    ...{ scheduler, notifications, credentialTypes, userCredentials, wallets, activities, webhooks, seed },
    ...{ passwordPolicies, passwords, signOnPolicies, directory, resources, flows, sessions, oauth },
    /** Only in test mode (TESSERA_TEST_MODE): the movable clock, mailbox clearing, reset. */
    testMode,
    /** Stops what the services run beside the store (the hashing workers); the store stays open. */
    close: () => passwords.hasher.close(),
  };
}

export type Services = ReturnType<typeof createServices>;
