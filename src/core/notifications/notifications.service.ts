// Over 300 lines: the notification management API (templates and their contents, notification
// settings, email and phone delivery settings, the test mailbox) is one list of short operations
// sharing one authorization and one cache; delivery itself lives in delivery.ts.
import { authorize, can, type Actor } from '../access/actor.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import type { Clock } from '../shared/clock.js';
import type { Metrics } from '../shared/metrics.js';
import { invalidValue, notFound, requestFailed, uniquenessViolation } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import { recordNotificationActivity, type NotificationActivity } from './notification-activities.js';
import {
  deleteContent,
  findContent,
  insertContent,
  listContents,
  updateContent,
} from './contents.repository.js';
import { createDelivery } from './delivery.js';
import type {
  EmailDeliverySettings,
  NotificationsSettings,
  OutboxEntry,
  PhoneDeliverySettings,
  PhoneProviderSecrets,
  TemplateContent,
  TemplateContentInput,
} from './notification.js';
import { listOutbox } from './outbox.repository.js';
import { normalizeLocale } from './render.js';
import { notificationSecretBox, notificationSecretsReadable } from './secret-box.js';
import * as settingsRepo from './settings.repository.js';
import { defaultContents, findTemplate, TEMPLATES, type TemplateDefinition } from './templates.js';

export interface NotificationsServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
  readonly secretKey: string | undefined;
  readonly testMailbox: boolean;
  readonly metrics?: Metrics;
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;

export type EmailSettingsInput = Omit<EmailDeliverySettings, 'environmentId' | 'updatedAt'> & {
  readonly password: string;
};
export type PhoneSettingsInput = Pick<PhoneDeliverySettings, 'name' | 'authentication' | 'requests'> & {
  readonly secrets: PhoneProviderSecrets;
};

const LOCALE = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/;

/**
 * Notification templates, their contents, delivery settings and the durable outbox.
 *
 * Other features send messages with `enqueue(trx, {environmentId, userId, template, methods,
 * locale?, variant?, variables})` inside their own transaction; it returns one result per method
 * (`{method, sent, notification: {id}}` or `{method, sent: false, error}`). The scheduler's
 * `deliverDue` job sends what the outbox holds.
 */
type Write = (trx: Db) => Promise<unknown>;

export function createNotificationsService({
  store,
  clock,
  environments,
  secretKey,
  testMailbox,
  metrics,
}: NotificationsServiceDeps) {
  const secretBox = notificationSecretBox(secretKey);
  const delivery = createDelivery({ store, clock, secretBox, testMailbox, metrics });

  async function context(actor: Actor, environmentId: string, permission: string) {
    const env = await environments.require(environmentId);
    authorize(actor, permission, { environmentId: env.id, organizationId: env.organizationId });
    return env;
  }

  function requireTemplate(name: string): TemplateDefinition {
    const definition = findTemplate(name);
    if (!definition) throw notFound();
    return definition;
  }

  async function allContents(
    environmentId: string,
    definition: TemplateDefinition,
  ): Promise<TemplateContent[]> {
    return [
      ...defaultContents(environmentId, definition),
      ...(await listContents(store.db, environmentId, definition.name)),
    ];
  }

  function checkContent(definition: TemplateDefinition, input: TemplateContentInput) {
    if (!definition.deliveryMethods.includes(input.deliveryMethod)) {
      throw invalidValue(
        'deliveryMethod',
        `The template ${definition.name} does not support ${input.deliveryMethod}.`,
      );
    }
    if (!LOCALE.test(normalizeLocale(input.locale)))
      throw invalidValue('locale', 'The locale is not a valid language tag.');
    if (input.deliveryMethod === 'Email' && !input.email?.body)
      throw invalidValue('body', 'body is required for Email content.');
    if (input.deliveryMethod === 'SMS' && !input.sms?.content)
      throw invalidValue('content', 'content is required for SMS content.');
  }

  /** Runs a write and records its activity in one transaction (notification-activities.ts). */
  const audited = (actor: Actor, environmentId: string, activity: NotificationActivity, write: Write) =>
    store.transaction(async (trx) => {
      await write(trx);
      await recordNotificationActivity(trx, clock.now(), actor, environmentId, activity);
    });

  async function saveContent(actor: Actor, content: TemplateContent, isNew: boolean) {
    try {
      const verb = isNew ? 'CREATED' : 'UPDATED';
      await audited(actor, content.environmentId, { content, verb }, (trx) =>
        isNew ? insertContent(trx, content) : updateContent(trx, content),
      );
    } catch (error) {
      if (store.dialect.isUniqueViolation(error)) throw uniquenessViolation('variant');
      throw error;
    }
    return content;
  }

  return {
    enqueue: delivery.enqueue,
    deliverDue: delivery.deliverDue,
    sealedSecretsReadable: () => notificationSecretsReadable(store.db, secretBox),

    // ---- templates (predefined, read-only)

    async listTemplates(actor: Actor, environmentId: string): Promise<readonly TemplateDefinition[]> {
      await context(actor, environmentId, 'notifications:read:template');
      return TEMPLATES;
    },

    async getTemplate(actor: Actor, environmentId: string, name: string): Promise<TemplateDefinition> {
      await context(actor, environmentId, 'notifications:read:template');
      return requireTemplate(name);
    },

    // ---- template contents

    async listContents(actor: Actor, environmentId: string, name: string): Promise<TemplateContent[]> {
      await context(actor, environmentId, 'notifications:read:template');
      return allContents(environmentId, requireTemplate(name));
    },

    async getContent(
      actor: Actor,
      environmentId: string,
      name: string,
      id: string,
    ): Promise<TemplateContent> {
      await context(actor, environmentId, 'notifications:read:template');
      const content = (await allContents(environmentId, requireTemplate(name))).find((c) => c.id === id);
      if (!content) throw notFound();
      return content;
    },

    async createContent(actor: Actor, environmentId: string, name: string, input: TemplateContentInput) {
      await context(actor, environmentId, 'notifications:create:template');
      const definition = requireTemplate(name);
      checkContent(definition, input);
      const now = clock.now();
      const content: TemplateContent = {
        id: newId(),
        environmentId,
        template: name,
        deliveryMethod: input.deliveryMethod,
        locale: normalizeLocale(input.locale),
        variant: input.variant?.trim() ?? '',
        isDefault: false,
        email: input.email,
        sms: input.sms,
        createdAt: now,
        updatedAt: now,
      };
      return saveContent(actor, content, true);
    },

    /** Replaces a custom content; locale and delivery method are immutable, default content is read-only. */
    async replaceContent(
      actor: Actor,
      environmentId: string,
      name: string,
      id: string,
      input: TemplateContentInput,
    ) {
      await context(actor, environmentId, 'notifications:update:template');
      const definition = requireTemplate(name);
      if (defaultContents(environmentId, definition).some((c) => c.id === id)) {
        throw requestFailed('invalid_value', 'The default content cannot be changed.', 'default');
      }
      const existing = await findContent(store.db, environmentId, name, id);
      if (!existing) throw notFound();
      checkContent(definition, input);
      if (input.deliveryMethod !== existing.deliveryMethod)
        throw invalidValue('deliveryMethod', 'deliveryMethod cannot be changed.');
      if (normalizeLocale(input.locale) !== existing.locale)
        throw invalidValue('locale', 'locale cannot be changed.');
      return saveContent(
        actor,
        {
          ...existing,
          variant: input.variant?.trim() ?? '',
          email: input.email,
          sms: input.sms,
          updatedAt: clock.now(),
        },
        false,
      );
    },

    async deleteContent(actor: Actor, environmentId: string, name: string, id: string): Promise<void> {
      await context(actor, environmentId, 'notifications:delete:template');
      const definition = requireTemplate(name);
      if (defaultContents(environmentId, definition).some((c) => c.id === id)) {
        throw requestFailed('invalid_value', 'The default content cannot be deleted.', 'default');
      }
      const content = await findContent(store.db, environmentId, name, id);
      if (!content) throw notFound();
      await audited(actor, environmentId, { content, verb: 'DELETED' }, (trx) => deleteContent(trx, id));
    },

    // ---- /notificationsSettings

    async getSettings(actor: Actor, environmentId: string): Promise<NotificationsSettings> {
      await context(actor, environmentId, 'notifications:read:settings');
      return (
        (await settingsRepo.findNotificationsSettings(store.db, environmentId)) ?? {
          environmentId,
          deliveryMode: 'ALL',
          from: undefined,
          replyTo: undefined,
          smsProvidersFallbackChain: [],
          updatedAt: undefined,
        }
      );
    },

    async replaceSettings(
      actor: Actor,
      environmentId: string,
      input: Omit<NotificationsSettings, 'environmentId' | 'updatedAt'>,
    ) {
      await context(actor, environmentId, 'notifications:update:settings');
      const providers = await settingsRepo.listPhoneSettings(store.db, environmentId);
      for (const id of input.smsProvidersFallbackChain) {
        if (!providers.some((p) => p.settings.id === id)) {
          throw invalidValue(
            'smsProvidersFallbackChain',
            `${id} is not a phone delivery settings id of this environment.`,
          );
        }
      }
      const now = clock.now();
      const settings = { ...input, environmentId, updatedAt: now };
      await audited(actor, environmentId, { settings: 'notificationsSettings' }, (trx) =>
        settingsRepo.saveNotificationsSettings(trx, settings, now),
      );
      return settings;
    },

    async resetSettings(actor: Actor, environmentId: string): Promise<void> {
      await context(actor, environmentId, 'notifications:update:settings');
      await audited(actor, environmentId, { settings: 'notificationsSettings' }, (trx) =>
        settingsRepo.deleteNotificationsSettings(trx, environmentId),
      );
    },

    // ---- emailDeliverySettings (one SMTP server per environment)

    async getEmailSettings(actor: Actor, environmentId: string): Promise<EmailDeliverySettings> {
      await context(actor, environmentId, 'notifications:read:settings');
      const found = await settingsRepo.findEmailSettings(store.db, environmentId);
      if (!found) throw notFound();
      return found.settings;
    },

    async replaceEmailSettings(
      actor: Actor,
      environmentId: string,
      input: EmailSettingsInput,
    ): Promise<EmailDeliverySettings> {
      await context(actor, environmentId, 'notifications:update:settings');
      const { password, ...rest } = input;
      const settings: EmailDeliverySettings = { ...rest, environmentId, updatedAt: clock.now() };
      const sealed = (await secretBox(store.db)).seal(password);
      await audited(actor, environmentId, { settings: 'emailDeliverySettings' }, (trx) =>
        settingsRepo.saveEmailSettings(trx, settings, sealed),
      );
      return settings;
    },

    async deleteEmailSettings(actor: Actor, environmentId: string): Promise<void> {
      await context(actor, environmentId, 'notifications:update:settings');
      if (!(await settingsRepo.findEmailSettings(store.db, environmentId))) throw notFound();
      await audited(actor, environmentId, { settings: 'emailDeliverySettings' }, (trx) =>
        settingsRepo.deleteEmailSettings(trx, environmentId),
      );
    },

    // ---- phoneDeliverySettings (custom HTTP providers)

    async listPhoneSettings(actor: Actor, environmentId: string): Promise<PhoneDeliverySettings[]> {
      await context(actor, environmentId, 'notifications:read:settings');
      return (await settingsRepo.listPhoneSettings(store.db, environmentId)).map((p) => p.settings);
    },

    async getPhoneSettings(actor: Actor, environmentId: string, id: string): Promise<PhoneDeliverySettings> {
      await context(actor, environmentId, 'notifications:read:settings');
      const found = await settingsRepo.findPhoneSettings(store.db, environmentId, id);
      if (!found) throw notFound();
      return found.settings;
    },

    async savePhoneSettings(
      actor: Actor,
      environmentId: string,
      id: string | undefined,
      input: PhoneSettingsInput,
    ) {
      await context(
        actor,
        environmentId,
        id ? 'notifications:update:settings' : 'notifications:create:settings',
      );
      const existing = id ? await settingsRepo.findPhoneSettings(store.db, environmentId, id) : undefined;
      if (id && !existing) throw notFound();
      const now = clock.now();
      const settings: PhoneDeliverySettings = {
        id: id ?? newId(),
        environmentId,
        provider: 'CUSTOM_PROVIDER',
        name: input.name,
        authentication: input.authentication,
        requests: input.requests,
        createdAt: existing?.settings.createdAt ?? now,
        updatedAt: now,
      };
      const hasSecrets = input.secrets.password !== undefined || input.secrets.authToken !== undefined;
      // A PUT without the write-only secrets keeps the stored ones.
      const sealed = hasSecrets
        ? (await secretBox(store.db)).seal(JSON.stringify(input.secrets))
        : (existing?.secretsSealed ?? null);
      await audited(actor, environmentId, { settings: `phoneDeliverySettings ${settings.name}` }, (trx) =>
        settingsRepo.savePhoneSettings(trx, settings, sealed, !existing),
      );
      return settings;
    },

    async deletePhoneSettings(actor: Actor, environmentId: string, id: string): Promise<void> {
      await context(actor, environmentId, 'notifications:update:settings');
      const found = await settingsRepo.findPhoneSettings(store.db, environmentId, id);
      if (!found) throw notFound();
      await audited(
        actor,
        environmentId,
        { settings: `phoneDeliverySettings ${found.settings.name}` },
        (trx) => settingsRepo.deletePhoneSettings(trx, id),
      );
    },

    // ---- test mailbox (Tessera extension, only routed when TESSERA_TEST_MAILBOX is on)

    async mailbox(
      actor: Actor,
      environmentId: string,
      limit: number,
      recipient?: string,
    ): Promise<OutboxEntry[]> {
      const env = await environments.require(environmentId);
      const target = { environmentId: env.id, organizationId: env.organizationId };
      if (!can(actor, 'dir:read:user', target) && !can(actor, 'notifications:read:settings', target)) {
        authorize(actor, 'dir:read:user', target);
      }
      return listOutbox(store.db, environmentId, limit, recipient);
    },
  };
}
