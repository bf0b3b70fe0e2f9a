import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import { createSecretBox, hashSecret, type SecretBox } from '../shared/secrets.js';
import type { StoredSecret } from './application.js';

const SECRET_KEY_SETTING = 'client_secret_box_key';

export type SecretKeeper = ReturnType<typeof createSecretKeeper>;

/** Seals client secrets so the API can show them again; hashes them for authentication. */
export function createSecretKeeper(store: Store, secretKey: string | undefined) {
  let box: SecretBox | undefined;

  /** The sealing key: from configuration, else one generated once and kept in the store. */
  async function secretBox(db: Db = store.db): Promise<SecretBox> {
    if (box) return box;
    if (secretKey !== undefined) {
      box = createSecretBox(createHash('sha256').update(secretKey, 'utf8').digest());
      return box;
    }
    const generated = randomBytes(32).toString('base64');
    await db
      .insertInto('instance_settings')
      .values({ name: SECRET_KEY_SETTING, value: generated })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await db
      .selectFrom('instance_settings')
      .select('value')
      .where('name', '=', SECRET_KEY_SETTING)
      .executeTakeFirstOrThrow();
    box = createSecretBox(Buffer.from(row.value, 'base64'));
    return box;
  }

  return {
    async store(secret: string, db: Db = store.db): Promise<StoredSecret> {
      return { secretHash: hashSecret(secret), secretSealed: (await secretBox(db)).seal(secret) };
    },
    async open(stored: StoredSecret): Promise<string> {
      return (await secretBox()).open(stored.secretSealed);
    },
  };
}
