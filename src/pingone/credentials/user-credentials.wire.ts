import { Type, type Static } from '@sinclair/typebox';
import type { CredentialInput, UserCredential } from '../../core/credentials/user-credential.js';
import { invalidValue } from '../../core/shared/errors.js';
import { iso } from '../../core/shared/clock.js';
import type { Hal } from '../../pingone-common/hal.js';
import { IdRef, LinksSchema } from '../shared/schemas.js';
import { versionRef } from './credential-types.wire.js';

const Method = Type.Union([Type.Literal('EMAIL'), Type.Literal('SMS')]);
const Open = { additionalProperties: true } as const;

export const NotificationBody = Type.Object(
  {
    methods: Type.Optional(Type.Array(Method, { minItems: 1, maxItems: 2 })),
    template: Type.Optional(
      Type.Object(
        {
          locale: Type.Optional(Type.String({ maxLength: 100 })),
          variant: Type.Optional(Type.String({ maxLength: 100 })),
          variables: Type.Optional(Type.Record(Type.String(), Type.String())),
        },
        Open,
      ),
    ),
  },
  Open,
);

export const UserCredentialBody = Type.Object(
  {
    credentialType: Type.Object({ id: Type.String({ minLength: 1 }) }, Open),
    data: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]))),
    expiresAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
    notification: Type.Optional(NotificationBody),
    demoDataStorage: Type.Optional(Type.Object({}, Open)),
  },
  Open,
);
export type UserCredentialBody = Static<typeof UserCredentialBody>;

export function toCredentialInput(body: UserCredentialBody): CredentialInput {
  let expiresAt: number | null | undefined;
  if (typeof body.expiresAt === 'string') {
    expiresAt = Date.parse(body.expiresAt);
    if (Number.isNaN(expiresAt)) throw invalidValue('expiresAt', 'expiresAt must be an ISO 8601 date-time.');
  } else expiresAt = body.expiresAt;
  return {
    credentialTypeId: body.credentialType.id,
    data: body.data,
    expiresAt,
    notification: body.notification
      ? {
          methods: body.notification.methods,
          template: body.notification.template
            ? {
                locale: body.notification.template.locale,
                variant: body.notification.template.variant,
                variables: body.notification.template.variables,
              }
            : undefined,
        }
      : undefined,
  };
}

const ResultSchema = Type.Object({
  method: Type.String(),
  sent: Type.Boolean(),
  notification: Type.Optional(IdRef),
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
});

export const UserCredentialSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  environment: IdRef,
  user: IdRef,
  credentialType: Type.Object({
    id: Type.String(),
    version: Type.Object({ number: Type.Integer(), uri: Type.String(), id: Type.String() }),
  }),
  data: Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()])),
  title: Type.String(),
  status: Type.String(),
  expiresAt: Type.Optional(Type.String()),
  notification: Type.Optional(
    Type.Object({
      methods: Type.Array(Type.String()),
      template: Type.Optional(
        Type.Object({ locale: Type.Optional(Type.String()), variant: Type.Optional(Type.String()) }),
      ),
      results: Type.Optional(Type.Array(ResultSchema)),
    }),
  ),
});

export function userCredentialWire(
  hal: Hal,
  c: UserCredential,
  status: string,
): Static<typeof UserCredentialSchema> {
  const user = hal.env(c.environmentId, `/users/${c.userId}`);
  const type = hal.env(c.environmentId, `/credentialTypes/${c.credentialTypeId}`);
  const n = c.notification;
  return {
    _links: {
      self: hal.link(`${user}/credentials/${c.id}`),
      environment: hal.link(hal.env(c.environmentId)),
      users: hal.link(user),
      user: hal.link(user),
      credentialTypes: hal.link(type),
      credentialType: hal.link(type),
      credentialTypeVersion: hal.link(`${type}/versions/${c.typeVersion.id}`),
    },
    id: c.id,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
    environment: { id: c.environmentId },
    user: { id: c.userId },
    credentialType: { id: c.credentialTypeId, version: versionRef(hal, c.credentialTypeId, c.typeVersion) },
    data: { ...c.data },
    title: c.title,
    status,
    ...(c.expiresAt !== undefined ? { expiresAt: iso(c.expiresAt) } : {}),
    ...(n
      ? {
          notification: {
            methods: [...n.methods],
            ...(n.template ? { template: { locale: n.template.locale, variant: n.template.variant } } : {}),
            ...(n.results ? { results: n.results.map((r) => ({ ...r })) } : {}),
          },
        }
      : {}),
  };
}
