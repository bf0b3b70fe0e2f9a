import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../db/schema.js';
import { createSecretBox, type SecretBox } from '../shared/secrets.js';

const SETTING = 'notification_secret_box_key';

/**
 * The key sealing delivery passwords at rest: derived from TESSERA_SECRET_KEY when set, else one
 * generated once and kept in the store (shared by every process on the store).
 */
export function notificationSecretBox(secretKey: string | undefined) {
  let box: SecretBox | undefined;
  return async (db: Db): Promise<SecretBox> => {
    if (box) return box;
    if (secretKey !== undefined) {
      box = createSecretBox(createHash('sha256').update(`notifications:${secretKey}`, 'utf8').digest());
      return box;
    }
    await db
      .insertInto('instance_settings')
      .values({ name: SETTING, value: randomBytes(32).toString('base64') })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await db
      .selectFrom('instance_settings')
      .select('value')
      .where('name', '=', SETTING)
      .executeTakeFirstOrThrow();
    box = createSecretBox(Buffer.from(row.value, 'base64'));
    return box;
  };
}
