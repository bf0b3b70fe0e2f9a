import { Type, type Static } from '@sinclair/typebox';
import {
  derivedProtocol,
  type EmailDeliverySettings,
  type NotificationsSettings,
  type PhoneDeliverySettings,
} from '../../core/notifications/notification.js';
import type {
  EmailSettingsInput,
  PhoneSettingsInput,
} from '../../core/notifications/notifications.service.js';
import { iso } from '../../core/shared/clock.js';
import { invalidValue } from '../../core/shared/errors.js';
import type { Hal } from '../../pingone-common/hal.js';
import { IdRef, LinksSchema } from '../shared/schemas.js';

const Open = { additionalProperties: true } as const;
const AddressSchema = Type.Object({
  name: Type.Optional(Type.String()),
  address: Type.String({ minLength: 3 }),
});

// ---- /notificationsSettings

export const SettingsBody = Type.Object(
  {
    deliveryMode: Type.Optional(Type.String()),
    from: Type.Optional(AddressSchema),
    replyTo: Type.Optional(AddressSchema),
    smsProvidersFallbackChain: Type.Optional(Type.Array(Type.String())),
  },
  Open,
);

export const SettingsSchema = Type.Object({
  _links: LinksSchema,
  environment: IdRef,
  deliveryMode: Type.String(),
  from: Type.Optional(AddressSchema),
  replyTo: Type.Optional(AddressSchema),
  smsProvidersFallbackChain: Type.Array(Type.String()),
  updatedAt: Type.Optional(Type.String()),
});

export function settingsWire(hal: Hal, s: NotificationsSettings): Static<typeof SettingsSchema> {
  return {
    _links: {
      self: hal.link(hal.env(s.environmentId, '/notificationsSettings')),
      environment: hal.link(hal.env(s.environmentId)),
    },
    environment: { id: s.environmentId },
    deliveryMode: s.deliveryMode,
    ...(s.from ? { from: s.from } : {}),
    ...(s.replyTo ? { replyTo: s.replyTo } : {}),
    smsProvidersFallbackChain: [...s.smsProvidersFallbackChain],
    ...(s.updatedAt !== undefined ? { updatedAt: iso(s.updatedAt) } : {}),
  };
}

// ---- emailDeliverySettings

export const EmailSettingsBody = Type.Object(
  {
    provider: Type.Optional(Type.String()),
    host: Type.String({ minLength: 1, maxLength: 256 }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    // PingOne requires both; Tessera also accepts a server without login (local test servers).
    username: Type.Optional(Type.String({ minLength: 1 })),
    password: Type.Optional(Type.String({ minLength: 1 })),
    from: Type.Optional(AddressSchema),
    replyTo: Type.Optional(AddressSchema),
    /** Tessera extension: force plain SMTP (or SMTPS) whatever the port; see docs/notifications.md. */
    tessera: Type.Optional(
      Type.Object({ protocol: Type.Optional(Type.Union([Type.Literal('SMTP'), Type.Literal('SMTPS')])) }),
    ),
  },
  Open,
);
export type EmailSettingsBody = Static<typeof EmailSettingsBody>;

export function toEmailSettingsInput(body: EmailSettingsBody): EmailSettingsInput {
  if (body.provider !== undefined && body.provider !== 'SMTP') {
    throw invalidValue(
      'provider',
      'Tessera delivers email over SMTP only; custom HTTP email providers are not supported.',
    );
  }
  if (body.username !== undefined && body.password === undefined) {
    throw invalidValue('password', 'password is required with username.');
  }
  return {
    host: body.host,
    port: body.port ?? 465,
    username: body.username ?? '',
    password: body.password ?? '',
    from: body.from,
    replyTo: body.replyTo,
    protocolOverride: body.tessera?.protocol,
  };
}

/** The password is write-only: the schema has no field for it, so it can never be serialised. */
export const EmailSettingsSchema = Type.Object({
  _links: LinksSchema,
  environment: IdRef,
  host: Type.String(),
  port: Type.Integer(),
  protocol: Type.String(),
  username: Type.Optional(Type.String()),
  from: Type.Optional(AddressSchema),
  replyTo: Type.Optional(AddressSchema),
  tessera: Type.Optional(Type.Object({ protocol: Type.String() })),
  updatedAt: Type.String(),
});

export function emailSettingsWire(hal: Hal, s: EmailDeliverySettings): Static<typeof EmailSettingsSchema> {
  return {
    _links: {
      self: hal.link(hal.env(s.environmentId, '/notificationsSettings/emailDeliverySettings')),
      environment: hal.link(hal.env(s.environmentId)),
    },
    environment: { id: s.environmentId },
    host: s.host,
    port: s.port,
    protocol: s.protocolOverride ?? derivedProtocol(s.port),
    ...(s.username ? { username: s.username } : {}),
    ...(s.from ? { from: s.from } : {}),
    ...(s.replyTo ? { replyTo: s.replyTo } : {}),
    ...(s.protocolOverride ? { tessera: { protocol: s.protocolOverride } } : {}),
    updatedAt: iso(s.updatedAt),
  };
}

// ---- phoneDeliverySettings (CUSTOM_PROVIDER only)

const RequestSchema = Type.Object(
  {
    deliveryMethod: Type.Union([Type.Literal('SMS'), Type.Literal('VOICE')]),
    // Not format uri: the URL may carry ${to} / ${message} placeholders.
    url: Type.String({ minLength: 1, pattern: '^https?://' }),
    method: Type.Union([Type.Literal('GET'), Type.Literal('POST')]),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    body: Type.Optional(Type.String()),
    phoneNumberFormat: Type.Optional(Type.Union([Type.Literal('FULL'), Type.Literal('NUMBER_ONLY')])),
    beforeTag: Type.Optional(Type.String()),
    afterTag: Type.Optional(Type.String()),
  },
  Open,
);

export const PhoneSettingsBody = Type.Object(
  {
    provider: Type.String(),
    name: Type.Optional(Type.String({ maxLength: 256 })),
    requests: Type.Array(RequestSchema, { minItems: 1 }),
    authentication: Type.Optional(
      Type.Object(
        {
          method: Type.Union([Type.Literal('BASIC'), Type.Literal('BEARER')]),
          username: Type.Optional(Type.String()),
          password: Type.Optional(Type.String()),
          authToken: Type.Optional(Type.String()),
        },
        Open,
      ),
    ),
  },
  Open,
);
export type PhoneSettingsBody = Static<typeof PhoneSettingsBody>;

export function toPhoneSettingsInput(body: PhoneSettingsBody): PhoneSettingsInput {
  if (body.provider !== 'CUSTOM_PROVIDER') {
    throw invalidValue('provider', 'Tessera supports the CUSTOM_PROVIDER phone delivery provider only.');
  }
  const auth = body.authentication;
  if (auth?.method === 'BASIC' && !auth.username)
    throw invalidValue('authentication.username', 'username is required for BASIC.');
  return {
    name: body.name,
    authentication: auth
      ? auth.method === 'BASIC'
        ? { method: 'BASIC', username: auth.username! }
        : { method: 'BEARER' }
      : undefined,
    requests: body.requests.map((r) => ({ ...r, phoneNumberFormat: r.phoneNumberFormat ?? 'FULL' })),
    secrets: { password: auth?.password, authToken: auth?.authToken },
  };
}

export const PhoneSettingsSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  environment: IdRef,
  provider: Type.String(),
  name: Type.Optional(Type.String()),
  // Secrets (password, authToken) are write-only and absent from this schema.
  authentication: Type.Optional(
    Type.Object({ method: Type.String(), username: Type.Optional(Type.String()) }),
  ),
  requests: Type.Array(RequestSchema),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export function phoneSettingsWire(hal: Hal, p: PhoneDeliverySettings): Static<typeof PhoneSettingsSchema> {
  return {
    _links: {
      self: hal.link(hal.env(p.environmentId, `/notificationsSettings/phoneDeliverySettings/${p.id}`)),
      environment: hal.link(hal.env(p.environmentId)),
    },
    id: p.id,
    environment: { id: p.environmentId },
    provider: p.provider,
    ...(p.name !== undefined ? { name: p.name } : {}),
    ...(p.authentication ? { authentication: { ...p.authentication } } : {}),
    requests: p.requests.map((r) => ({ ...r })),
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}
