import { Type } from '@sinclair/typebox';
import { actorOf } from '../../http/actor.js';
import { collection } from '../../pingone-common/hal.js';
import type { FastifyTypebox } from '../../http/context.js';
import type { PingOneContext } from '../context.js';
import { collectionSchema, EnvParams, responses } from '../shared/schemas.js';
import {
  EmailSettingsBody,
  EmailSettingsSchema,
  emailSettingsWire,
  PhoneSettingsBody,
  PhoneSettingsSchema,
  phoneSettingsWire,
  SettingsBody,
  SettingsSchema,
  settingsWire,
  toEmailSettingsInput,
  toPhoneSettingsInput,
} from './settings.wire.js';

const tags = ['Notification Settings'];
const PhoneParams = Type.Object({ envID: Type.String(), phoneDeliverySettingsID: Type.String() });
const BASE = '/environments/:envID/notificationsSettings';

export function notificationSettingsRoutes(app: FastifyTypebox, { services, hal }: PingOneContext) {
  const notifications = services.notifications;

  app.get(
    BASE,
    { schema: { tags, params: EnvParams, response: responses({ 200: SettingsSchema }) } },
    async (request) =>
      settingsWire(hal, await notifications.getSettings(actorOf(request), request.params.envID)),
  );

  app.put(
    BASE,
    { schema: { tags, params: EnvParams, body: SettingsBody, response: responses({ 200: SettingsSchema }) } },
    async (request) =>
      settingsWire(
        hal,
        await notifications.replaceSettings(actorOf(request), request.params.envID, {
          deliveryMode: request.body.deliveryMode ?? 'ALL',
          from: request.body.from,
          replyTo: request.body.replyTo,
          smsProvidersFallbackChain: request.body.smsProvidersFallbackChain ?? [],
        }),
      ),
  );

  app.delete(
    BASE,
    { schema: { tags, params: EnvParams, response: responses({ 204: Type.Null() }) } },
    async (request, reply) => {
      await notifications.resetSettings(actorOf(request), request.params.envID);
      return reply.status(204).send();
    },
  );

  app.get(
    `${BASE}/emailDeliverySettings`,
    { schema: { tags, params: EnvParams, response: responses({ 200: EmailSettingsSchema }) } },
    async (request) =>
      emailSettingsWire(hal, await notifications.getEmailSettings(actorOf(request), request.params.envID)),
  );

  app.put(
    `${BASE}/emailDeliverySettings`,
    {
      schema: {
        tags,
        params: EnvParams,
        body: EmailSettingsBody,
        response: responses({ 200: EmailSettingsSchema }),
      },
    },
    async (request) =>
      emailSettingsWire(
        hal,
        await notifications.replaceEmailSettings(
          actorOf(request),
          request.params.envID,
          toEmailSettingsInput(request.body),
        ),
      ),
  );

  app.delete(
    `${BASE}/emailDeliverySettings`,
    { schema: { tags, params: EnvParams, response: responses({ 204: Type.Null() }) } },
    async (request, reply) => {
      await notifications.deleteEmailSettings(actorOf(request), request.params.envID);
      return reply.status(204).send();
    },
  );

  app.get(
    `${BASE}/phoneDeliverySettings`,
    {
      schema: {
        tags,
        params: EnvParams,
        response: responses({ 200: collectionSchema('phoneDeliverySettings', PhoneSettingsSchema) }),
      },
    },
    async (request) => {
      const { envID } = request.params;
      const items = await notifications.listPhoneSettings(actorOf(request), envID);
      return collection(
        hal,
        hal.env(envID, '/notificationsSettings/phoneDeliverySettings'),
        {},
        'phoneDeliverySettings',
        { items },
        (p) => phoneSettingsWire(hal, p),
      );
    },
  );

  app.post(
    `${BASE}/phoneDeliverySettings`,
    {
      schema: {
        tags,
        params: EnvParams,
        body: PhoneSettingsBody,
        response: responses({ 201: PhoneSettingsSchema }),
      },
    },
    async (request, reply) => {
      const saved = await notifications.savePhoneSettings(
        actorOf(request),
        request.params.envID,
        undefined,
        toPhoneSettingsInput(request.body),
      );
      const body = phoneSettingsWire(hal, saved);
      return reply.status(201).header('Location', body._links.self!.href).send(body);
    },
  );

  app.get(
    `${BASE}/phoneDeliverySettings/:phoneDeliverySettingsID`,
    { schema: { tags, params: PhoneParams, response: responses({ 200: PhoneSettingsSchema }) } },
    async (request) =>
      phoneSettingsWire(
        hal,
        await notifications.getPhoneSettings(
          actorOf(request),
          request.params.envID,
          request.params.phoneDeliverySettingsID,
        ),
      ),
  );

  app.put(
    `${BASE}/phoneDeliverySettings/:phoneDeliverySettingsID`,
    {
      schema: {
        tags,
        params: PhoneParams,
        body: PhoneSettingsBody,
        response: responses({ 200: PhoneSettingsSchema }),
      },
    },
    async (request) =>
      phoneSettingsWire(
        hal,
        await notifications.savePhoneSettings(
          actorOf(request),
          request.params.envID,
          request.params.phoneDeliverySettingsID,
          toPhoneSettingsInput(request.body),
        ),
      ),
  );

  app.delete(
    `${BASE}/phoneDeliverySettings/:phoneDeliverySettingsID`,
    { schema: { tags, params: PhoneParams, response: responses({ 204: Type.Null() }) } },
    async (request, reply) => {
      await notifications.deletePhoneSettings(
        actorOf(request),
        request.params.envID,
        request.params.phoneDeliverySettingsID,
      );
      return reply.status(204).send();
    },
  );
}
