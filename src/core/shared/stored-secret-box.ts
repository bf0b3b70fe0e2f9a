import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../db/schema.js';
import { createSecretBox, type SecretBox } from './secrets.js';

/**
 * A key sealing one feature's secrets at rest (`purpose` keeps features' keys apart): derived from
 * TESSERA_SECRET_KEY when set, else generated once and kept in the store under `setting` (shared
 * by every process on the store).
 */
export function storedSecretBox(purpose: string, setting: string, secretKey: string | undefined) {
  let box: SecretBox | undefined;
  return async (db: Db): Promise<SecretBox> => {
    if (box) return box;
    if (secretKey !== undefined) {
      box = createSecretBox(createHash('sha256').update(`${purpose}:${secretKey}`, 'utf8').digest());
      return box;
    }
    await db
      .insertInto('instance_settings')
      .values({ name: setting, value: randomBytes(32).toString('base64') })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await db
      .selectFrom('instance_settings')
      .select('value')
      .where('name', '=', setting)
      .executeTakeFirstOrThrow();
    box = createSecretBox(Buffer.from(row.value, 'base64'));
    return box;
  };
}
