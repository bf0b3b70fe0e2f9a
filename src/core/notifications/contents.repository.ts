import type { Selectable } from 'kysely';
import type { Db } from '../../db/schema.js';
import { parseJsonObject } from '../shared/json.js';
import type { ContentMethod, EmailContentFields, SmsContentFields, TemplateContent } from './notification.js';

export interface NotificationContentsTable {
  id: string;
  environment_id: string;
  template: string;
  delivery_method: string;
  locale: string;
  variant: string;
  document: string;
  created_at: number;
  updated_at: number;
}

declare module '../../db/schema.js' {
  interface Database {
    notification_contents: NotificationContentsTable;
  }
}

const toContent = (row: Selectable<NotificationContentsTable>): TemplateContent => {
  const document = parseJsonObject(row.document);
  const method = row.delivery_method as ContentMethod;
  return {
    id: row.id,
    environmentId: row.environment_id,
    template: row.template,
    deliveryMethod: method,
    locale: row.locale,
    variant: row.variant,
    isDefault: false,
    ...(method === 'Email'
      ? { email: document as unknown as EmailContentFields }
      : { sms: document as unknown as SmsContentFields }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
};

export async function listContents(
  db: Db,
  environmentId: string,
  template: string,
): Promise<TemplateContent[]> {
  const rows = await db
    .selectFrom('notification_contents')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('template', '=', template)
    .orderBy('id')
    .execute();
  return rows.map(toContent);
}

export async function findContent(db: Db, environmentId: string, template: string, id: string) {
  const row = await db
    .selectFrom('notification_contents')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('template', '=', template)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toContent(row) : undefined;
}

const documentOf = (content: Pick<TemplateContent, 'email' | 'sms'>) =>
  JSON.stringify(content.email ?? content.sms ?? {});

export async function insertContent(db: Db, content: TemplateContent): Promise<void> {
  await db
    .insertInto('notification_contents')
    .values({
      id: content.id,
      environment_id: content.environmentId,
      template: content.template,
      delivery_method: content.deliveryMethod,
      locale: content.locale,
      variant: content.variant,
      document: documentOf(content),
      created_at: content.createdAt,
      updated_at: content.updatedAt,
    })
    .execute();
}

export async function updateContent(db: Db, content: TemplateContent): Promise<void> {
  await db
    .updateTable('notification_contents')
    .set({ variant: content.variant, document: documentOf(content), updated_at: content.updatedAt })
    .where('id', '=', content.id)
    .execute();
}

export async function deleteContent(db: Db, id: string): Promise<void> {
  await db.deleteFrom('notification_contents').where('id', '=', id).execute();
}
