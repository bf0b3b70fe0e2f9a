import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { ListedUser } from '../../src/core/users/users-list.repository.js';
import type { User } from '../../src/core/users/user.js';
import { Hal } from '../../src/pingone-common/hal.js';
import { listedUserWriter } from '../../src/pingone/users/users-page-json.js';
import { UserSchema, userWire } from '../../src/pingone/users/users.wire.js';

/** Serializers as the app compiles them (fast-json-stringify through Fastify's compiler). */
const selector = SerializerSelector()({}, {});
const compile = (schema: object) =>
  selector({ schema, method: 'GET', url: '', httpStatus: '200' }) as (data: unknown) => string;
const serializeUser = compile(UserSchema);

const ENV = '0b0b0b0b-0000-4000-8000-0000000000e1';
const NOW = Date.UTC(2026, 11, 3, 1, 2, 3, 456);

/** A listed user as the page statement gives it: the profile as stored is JSON.stringify's text. */
function listed(
  overrides: Omit<Partial<User>, 'profile'> & { profile?: object; passwordLockedOut?: boolean } = {},
): ListedUser {
  const { profile = {}, passwordLockedOut = false, ...rest } = overrides;
  const storedProfile = JSON.stringify(profile);
  return {
    id: '01a23963-e729-71e9-89ae-87e9ce0c169e',
    environmentId: ENV,
    populationId: '01a23963-df4c-758a-ac7e-6a298c0845d0',
    username: 'anna.smith.0',
    email: 'anna.smith.0@example.com',
    enabled: true,
    mfaEnabled: false,
    emailVerified: false,
    lifecycleStatus: 'ACCOUNT_OK',
    verifyStatus: 'NOT_INITIATED',
    account: { locked: false },
    identityProvider: { type: 'PING_ONE' },
    lastSignOnAt: undefined,
    createdAt: 1_796_259_178_281,
    updatedAt: 1_796_259_178_999,
    revision: 1,
    ...rest,
    passwordLockedOut,
    storedProfile,
  };
}

const PROFILES: object[] = [
  {},
  { name: { given: 'Anna', family: 'Smith' } },
  { name: { given: 'Zoë', family: 'Müller' }, tier: 'gold "Q" \\ 🙂 \u2028 \u0007', skills: ['go', 'ts'] },
  { '10': 'ten', '2': 'two', b: 1, a: { '1': [1.5, -0, 1e21, 5e-324, null, true] }, z: 'last' },
  { lone: '\ud800 and \udfff', emoji: '\u{1F600}', nul: '\u0000' },
  { ['__proto__']: { polluted: true }, constructor: 'x', 'na"me': 'quoted key', 'back\\slash': 1 },
  { ['k'.repeat(60)]: 'v'.repeat(6000), ['ü'.repeat(45)]: 'long key' },
  // Profiles naming a declared property: the schema serializer decides (the declared one wins).
  { email: 'profile@example.com', name: { given: 'A' } },
  { population: { id: 'other' }, id: 'other-id', _links: {}, username: 'u', enabled: false },
  { note: 'contains "id": inside a value', nested: { id: 'nested id' } },
];

const USERS: ListedUser[] = [
  ...PROFILES.map((profile) => listed({ profile })),
  listed({ email: undefined, emailVerified: true, mfaEnabled: true, lastSignOnAt: NOW - 5_000 }),
  listed({ passwordLockedOut: true, profile: { title: 'Locked out' } }),
  listed({ enabled: false, verifyStatus: 'ENABLED', lifecycleStatus: 'VERIFICATION_REQUIRED' }),
  listed({ account: { locked: true, lockedAt: NOW - 60_000, unlockAt: NOW + 3_600_500 } }),
  listed({ account: { locked: true, lockedAt: NOW - 60_000 } }),
  listed({ account: { locked: true, lockedAt: NOW - 60_000, unlockAt: NOW - 1 } }),
  listed({ identityProvider: { type: 'SOCIAL', id: 'idp-1' }, createdAt: 0, updatedAt: 253_402_300_800_000 }),
  // Ids a serializer must escape, another environment: the schema serializer writes these.
  listed({ id: 'we"ird\\id', profile: { a: 1 } }),
  listed({ populationId: 'pop\u0001', profile: { a: 1 } }),
  listed({ environmentId: 'another-environment' }),
];

describe('list page users (users-page-json.ts)', () => {
  for (const base of [
    'http://localhost:8080',
    'https://idp.example.com/base path',
    'http://x/"q"\\\u0001\ud800',
  ]) {
    it(`writes each user exactly as UserSchema's serializer writes userWire (base ${JSON.stringify(base)})`, () => {
      const hal = new Hal(base);
      let slow = 0;
      const counting = (schema: object) => {
        const serialize = compile(schema);
        return schema === UserSchema ? (data: unknown) => (slow++, serialize(data)) : serialize;
      };
      const write = listedUserWriter(hal, counting)(ENV, NOW);
      for (const [i, user] of USERS.entries()) {
        const expected = serializeUser(
          userWire(
            hal,
            { ...user, profile: JSON.parse(user.storedProfile) as User['profile'] },
            { now: NOW, canAuthenticate: !user.passwordLockedOut },
          ),
        );
        assert.equal(write(user), expected, `user ${i}`);
        assert.deepEqual(JSON.parse(write(user)), JSON.parse(expected));
      }
      // The fast path wrote the rest: only profiles naming a declared property (the last of them
      // a false alarm, `"id":` nested) and the last three users took the serializer (twice each),
      // and every user with a base URL that needs escaping.
      assert.equal(slow, base.includes('"') ? 2 * USERS.length : 2 * 6);
    });
  }
});
