import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '../../db/store.js';

const PAGE_KEY_SETTING = 'signon_page_key';

/**
 * The key of the hosted page's CSRF tokens: derived from TESSERA_SECRET_KEY, else generated
 * once and kept in the store, so every process behind one load balancer shares it. The returned
 * function reads it once and keeps it (in the flows service's closure, not the module).
 */
export function pageKeyOf(store: Store, secretKey: string | undefined): () => Promise<Buffer> {
  let pageKey: Buffer | undefined;
  return async () => {
    if (pageKey) return pageKey;
    if (secretKey !== undefined) {
      pageKey = createHash('sha256').update(`tessera signon page\0${secretKey}`, 'utf8').digest();
      return pageKey;
    }
    await store.db
      .insertInto('instance_settings')
      .values({ name: PAGE_KEY_SETTING, value: randomBytes(32).toString('base64') })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await store.db
      .selectFrom('instance_settings')
      .select('value')
      .where('name', '=', PAGE_KEY_SETTING)
      .executeTakeFirstOrThrow();
    pageKey = Buffer.from(row.value, 'base64');
    return pageKey;
  };
}
