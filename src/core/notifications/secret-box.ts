import type { Db } from '../../db/schema.js';
import { opens, type SecretBox } from '../shared/secrets.js';
import { storedSecretBox } from '../shared/stored-secret-box.js';

const SETTING = 'notification_secret_box_key';

/**
 * The key sealing delivery passwords at rest: derived from TESSERA_SECRET_KEY when set, else one
 * generated once and kept in the store (shared by every process on the store).
 */
export function notificationSecretBox(secretKey: string | undefined) {
  return storedSecretBox('notifications', SETTING, secretKey);
}

/** False when a stored delivery secret cannot be opened with the sealing key (key changed). */
export async function notificationSecretsReadable(
  db: Db,
  secretBox: (db: Db) => Promise<SecretBox>,
): Promise<boolean> {
  const email = await db
    .selectFrom('email_delivery_settings')
    .select('password_sealed as sealed')
    .limit(1)
    .executeTakeFirst();
  const phone = await db
    .selectFrom('phone_delivery_settings')
    .select('secrets_sealed as sealed')
    .where('secrets_sealed', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  const box = email || phone?.sealed ? await secretBox(db) : undefined;
  if (box && email && !opens(box, email.sealed)) return false;
  if (box && phone?.sealed && !opens(box, phone.sealed)) return false;
  return true;
}
