import type { BenchFixture } from '../fixture.js';

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
  /** Share of the ceiling's req/s the scenario should reach, per store (printed as a check). */
  readonly goal?: Partial<Record<StoreTarget, number>>;
  /** Bound by argon2id: compared with the raw hash rate around it, not the ceiling. */
  readonly isPasswordHash?: boolean;
  /** One-off preparation through the API before measuring (e.g. give the user a password). */
  prepare?(fixture: BenchFixture, call: ApiCall, quick: boolean): Promise<void>;
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

/** Creates `count` users without a password through the API (`prefix.i`), 10 at a time; their ids. */
async function createUsers(f: BenchFixture, call: ApiCall, prefix: string, count: number) {
  const ids: string[] = new Array<string>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const user = (await call('POST', `/v1/environments/${f.environmentId}/users`, {
        username: `${prefix}.${i}`,
        email: `${prefix}.${i}@example.com`,
        name: { given: 'Many', family: `User${i}` },
        population: { id: f.populationId },
      })) as { id: string };
      ids[i] = user.id;
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
  return ids;
}

/** Users the many-users PATCH cycles through (each request a different user). */
const MANY_USERS = 1000;

/** GET and PATCH through the management API (HTTP-bound; compared with the ceiling). */
export const API_SCENARIOS: readonly Scenario[] = [
  {
    name: 'GET user',
    goal: { sqlite: 0.45, postgres: 0.25 },
    request: userRequest,
  },
  {
    name: 'PATCH user, one row (seed 003)',
    goal: { sqlite: 0.25 },
    request: (f) => ({
      method: 'PATCH',
      path: userPath(f),
      contentType: 'application/json',
      body: (i) => JSON.stringify({ photo: { href: `https://example.com/photo-${i}.png` } }),
    }),
  },
  manyUsersPatch(),
];

/** PATCH round robin over MANY_USERS users: no two concurrent writers share a row. */
function manyUsersPatch(): Scenario {
  let ids: string[] = [];
  return {
    name: `PATCH user, ${MANY_USERS} users round robin`,
    goal: { sqlite: 0.25, postgres: 0.1 },
    prepare: async (f, call) => {
      ids = await createUsers(f, call, 'many', MANY_USERS);
    },
    request: (f) => ({
      method: 'PATCH',
      path: `/v1/environments/${f.environmentId}/users/${ids[0]}`,
      pathOf: (i) => `/v1/environments/${f.environmentId}/users/${ids[i % ids.length]}`,
      contentType: 'application/json',
      body: (i) => JSON.stringify({ photo: { href: `https://example.com/photo-${i}.png` } }),
    }),
  };
}

/** password.set (replacing), password.set of a first password, password.check. */
export const PASSWORD_SCENARIOS: readonly Scenario[] = [
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

/**
 * `password.set` on users that have no password yet (provisioning, invitations): one argon2id
 * computation per request, as there is no current password or history to compare with. Enough
 * users are made for every request of one measurement (a run does about 50/s at most here).
 */
function firstPasswordSet(): Scenario {
  let ids: string[] = [];
  return {
    name: 'PUT password.set, first password (argon2id)',
    isPasswordHash: true,
    prepare: async (f, call, quick) => {
      ids = await createUsers(f, call, 'fresh', quick ? 400 : 1500);
    },
    request: (f) => ({
      method: 'PUT',
      path: `/v1/environments/${f.environmentId}/users/${ids[0]}/password`,
      pathOf: (i) => `/v1/environments/${f.environmentId}/users/${ids[i % ids.length]}/password`,
      contentType: 'application/vnd.pingidentity.password.set+json',
      body: (i) => JSON.stringify({ value: `Qz7!vRp-first-${i}`, forceChange: false }),
    }),
  };
}
