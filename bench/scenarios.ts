import type { BenchFixture } from './fixture.js';

export type StoreTarget = 'sqlite' | 'postgres';

export interface BenchRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly contentType?: string;
  /** The body of the i-th request (vary it so every write really changes the row). */
  readonly body?: (i: number) => string;
  /** The path of the i-th request, when requests go to different resources. */
  readonly pathOf?: (i: number) => string;
}

export interface Scenario {
  readonly name: string;
  /** Share of the ceiling's req/s the scenario should reach on SQLite (printed as a check). */
  readonly goal?: number;
  /** Bound by one argon2id computation per request: compared with the raw hash rate, not the ceiling. */
  readonly isPasswordHash?: boolean;
  /** One-off preparation through the API before measuring (e.g. give the user a password). */
  prepare?(fixture: BenchFixture, call: ApiCall): Promise<void>;
  request(fixture: BenchFixture): BenchRequest;
}

/** Calls the target's API with the fixture's token; throws on a non-2xx answer. */
export type ApiCall = (
  method: string,
  path: string,
  body?: unknown,
  contentType?: string,
) => Promise<unknown>;

const userPath = (f: BenchFixture) => `/v1/environments/${f.environmentId}/users/${f.userId}`;

/** GET of the benchmark user (the read most API calls resemble). */
export const userRequest = (f: BenchFixture): BenchRequest => ({ method: 'GET', path: userPath(f) });

const passwordPath = (f: BenchFixture) => `${userPath(f)}/password`;

/** The password the check scenario verifies (valid under the Standard policy). */
export const CHECKED_PASSWORD = 'Qz7!vRp-check';

/** A `password.set` request with a new policy-compliant value each time (history never repeats). */
export const passwordSet = (f: BenchFixture): BenchRequest => ({
  method: 'PUT',
  path: passwordPath(f),
  contentType: 'application/vnd.pingidentity.password.set+json',
  body: (i) => JSON.stringify({ value: `Qz7!vRp-${i}`, forceChange: false }),
});

/** Every scenario measured against Tessera on each store. */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'GET user',
    goal: 0.35,
    request: (f) => ({ method: 'GET', path: userPath(f) }),
  },
  {
    name: 'PATCH user (seed 003)',
    goal: 0.15,
    request: (f) => ({
      method: 'PATCH',
      path: userPath(f),
      contentType: 'application/json',
      body: (i) => JSON.stringify({ photo: { href: `https://example.com/photo-${i}.png` } }),
    }),
  },

  {
    name: 'PUT password.set (argon2id)',
    isPasswordHash: true,
    // The Standard policy verifies the new value against 6 history hashes (one argon2id each);
    // the Basic policy has no history, so a set costs one verify (never the current one) + one hash.
    prepare: async (f, call) => {
      const policies = (await call('GET', `/v1/environments/${f.environmentId}/passwordPolicies`)) as {
        _embedded: { passwordPolicies: { id: string; name: string }[] };
      };
      const basic = policies._embedded.passwordPolicies.find((p) => p.name === 'Basic');
      if (!basic) throw new Error('no Basic password policy');
      await call('PUT', `/v1/environments/${f.environmentId}/populations/${f.populationId}`, {
        name: 'Bench population',
        passwordPolicy: { id: basic.id },
      });
    },
    request: passwordSet,
  },
  firstPasswordSet(),
  {
    name: 'POST password.check (argon2id)',
    isPasswordHash: true,
    prepare: async (f, call) => {
      await call(
        'PUT',
        passwordPath(f),
        { value: CHECKED_PASSWORD, forceChange: false },
        'application/vnd.pingidentity.password.set+json',
      );
    },
    request: (f) => ({
      method: 'POST',
      path: passwordPath(f),
      contentType: 'application/vnd.pingidentity.password.check+json',
      body: () => JSON.stringify({ password: CHECKED_PASSWORD }),
    }),
  },
];

/** Users made without a password, enough for every request of one measurement. */
const FRESH_USERS = 1500;

/**
 * `password.set` on users that have no password yet (provisioning, invitations): one argon2id
 * computation per request, as there is no current password or history to compare with.
 */
function firstPasswordSet(): Scenario {
  const userIds: string[] = [];
  return {
    name: 'PUT password.set, first password (argon2id)',
    isPasswordHash: true,
    prepare: async (f, call) => {
      userIds.length = 0; // each store target has its own users
      for (let i = 0; i < FRESH_USERS; i += 1) {
        const user = (await call('POST', `/v1/environments/${f.environmentId}/users`, {
          username: `fresh.${i}`,
          population: { id: f.populationId },
        })) as { id: string };
        userIds.push(user.id);
      }
    },
    request: (f) => ({
      method: 'PUT',
      path: `/v1/environments/${f.environmentId}/users/${userIds[0]}/password`,
      pathOf: (i) => `/v1/environments/${f.environmentId}/users/${userIds[i % userIds.length]}/password`,
      contentType: 'application/vnd.pingidentity.password.set+json',
      body: (i) => JSON.stringify({ value: `Qz7!vRp-first-${i}`, forceChange: false }),
    }),
  };
}
