import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';

type ImportedKey = Exclude<Awaited<ReturnType<typeof importJWK>>, Uint8Array>;

export interface SigningKey {
  readonly kid: string;
  readonly environmentId: string;
  readonly privateKey: ImportedKey;
  readonly publicKey: ImportedKey;
  readonly publicJwk: JWK;
}

/**
 * One RS256 key per environment, created on first use and kept in the store so that every
 * Tessera process signs and verifies with the same keys. Keys are cached per process: they never
 * change once written.
 */
export function createSigningKeys(store: Store, clock: Clock) {
  const byEnvironment = new Map<string, SigningKey>();
  const byKid = new Map<string, SigningKey>();

  async function fromRow(row: {
    id: string;
    environment_id: string;
    public_jwk: string;
    private_jwk: string;
  }) {
    const publicJwk = JSON.parse(row.public_jwk) as JWK;
    const key: SigningKey = {
      kid: row.id,
      environmentId: row.environment_id,
      publicJwk,
      publicKey: (await importJWK(publicJwk, 'RS256')) as ImportedKey,
      privateKey: (await importJWK(JSON.parse(row.private_jwk) as JWK, 'RS256')) as ImportedKey,
    };
    byEnvironment.set(key.environmentId, key);
    byKid.set(key.kid, key);
    return key;
  }

  async function load(db: Db, where: { environmentId?: string; kid?: string }) {
    let q = db.selectFrom('signing_keys').select(['id', 'environment_id', 'public_jwk', 'private_jwk']);
    if (where.environmentId) q = q.where('environment_id', '=', where.environmentId);
    if (where.kid) q = q.where('id', '=', where.kid);
    const row = await q.executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  return {
    async forEnvironment(environmentId: string): Promise<SigningKey> {
      const cached = byEnvironment.get(environmentId) ?? (await load(store.db, { environmentId }));
      if (cached) return cached;
      const pair = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
      const kid = newId();
      const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' };
      const privateJwk = { ...(await exportJWK(pair.privateKey)), kid, alg: 'RS256' };
      // Another process may create the key at the same moment: the unique index keeps one.
      await store.db
        .insertInto('signing_keys')
        .values({
          id: kid,
          environment_id: environmentId,
          algorithm: 'RS256',
          public_jwk: JSON.stringify(publicJwk),
          private_jwk: JSON.stringify(privateJwk),
          created_at: clock.now(),
        })
        .onConflict((oc) => oc.column('environment_id').doNothing())
        .execute();
      return (await load(store.db, { environmentId }))!;
    },

    async byKid(kid: string): Promise<SigningKey | undefined> {
      return byKid.get(kid) ?? (await load(store.db, { kid }));
    },

    async publicJwks(environmentId: string): Promise<JWK[]> {
      const key = byEnvironment.get(environmentId) ?? (await load(store.db, { environmentId }));
      return key ? [key.publicJwk] : [];
    },
  };
}

export type SigningKeys = ReturnType<typeof createSigningKeys>;
