import { Type, type Static } from '@sinclair/typebox';
import type { TemplateContent, TemplateContentInput } from '../../core/notifications/notification.js';
import type { TemplateDefinition } from '../../core/notifications/templates.js';
import { iso } from '../../core/shared/clock.js';
import type { Hal } from '../../pingone-common/hal.js';
import { IdRef, LinksSchema } from '../shared/schemas.js';

const Open = { additionalProperties: true } as const;
const AddressSchema = Type.Object({ name: Type.Optional(Type.String()), address: Type.String() });

export const TemplateSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  environment: IdRef,
  displayName: Type.String(),
  description: Type.String(),
  deliveryMethods: Type.Array(Type.String()),
  variables: Type.Record(Type.String(), Type.Object({ required: Type.Boolean() })),
  allowDynamicVariables: Type.Boolean(),
});

export function templateWire(
  hal: Hal,
  environmentId: string,
  t: TemplateDefinition,
): Static<typeof TemplateSchema> {
  return {
    _links: {
      self: hal.link(hal.env(environmentId, `/templates/${t.name}`)),
      environment: hal.link(hal.env(environmentId)),
      contents: hal.link(hal.env(environmentId, `/templates/${t.name}/contents`)),
    },
    id: t.name,
    environment: { id: environmentId },
    displayName: t.displayName,
    description: t.description,
    deliveryMethods: [...t.deliveryMethods],
    variables: Object.fromEntries(t.variables.map((v) => [v.name, { required: v.required }])),
    allowDynamicVariables: t.allowDynamicVariables,
  };
}

export const ContentBody = Type.Object(
  {
    // PingOne writes `Email` and `SMS`; any case is accepted.
    deliveryMethod: Type.String({ pattern: '^([Ee][Mm][Aa][Ii][Ll]|[Ss][Mm][Ss])$' }),
    locale: Type.String({ minLength: 2, maxLength: 20 }),
    variant: Type.Optional(Type.String({ maxLength: 100 })),
    // Email
    subject: Type.Optional(Type.String({ maxLength: 256 })),
    body: Type.Optional(Type.String({ maxLength: 100_000 })),
    from: Type.Optional(AddressSchema),
    replyTo: Type.Optional(AddressSchema),
    charset: Type.Optional(Type.String()),
    emailContentType: Type.Optional(Type.String()),
    // SMS
    content: Type.Optional(Type.String({ maxLength: 1000 })),
    sender: Type.Optional(Type.String({ maxLength: 11 })),
  },
  Open,
);
export type ContentBody = Static<typeof ContentBody>;

export function toContentInput(body: ContentBody): TemplateContentInput {
  const deliveryMethod = body.deliveryMethod.toLowerCase() === 'sms' ? 'SMS' : 'Email';
  return {
    deliveryMethod,
    locale: body.locale,
    variant: body.variant,
    ...(deliveryMethod === 'Email'
      ? {
          email: {
            subject: body.subject,
            body: body.body ?? '',
            from: body.from,
            replyTo: body.replyTo,
            charset: body.charset ?? 'UTF-8',
            emailContentType: body.emailContentType ?? 'text/html',
          },
        }
      : { sms: { content: body.content ?? '', sender: body.sender } }),
  };
}

export const ContentSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  environment: IdRef,
  template: IdRef,
  default: Type.Boolean(),
  deliveryMethod: Type.String(),
  locale: Type.String(),
  variant: Type.Optional(Type.String()),
  subject: Type.Optional(Type.String()),
  body: Type.Optional(Type.String()),
  from: Type.Optional(AddressSchema),
  replyTo: Type.Optional(AddressSchema),
  charset: Type.Optional(Type.String()),
  emailContentType: Type.Optional(Type.String()),
  content: Type.Optional(Type.String()),
  sender: Type.Optional(Type.String()),
  createdAt: Type.Optional(Type.String()),
  updatedAt: Type.Optional(Type.String()),
});

export function contentWire(hal: Hal, c: TemplateContent): Static<typeof ContentSchema> {
  return {
    _links: {
      self: hal.link(hal.env(c.environmentId, `/templates/${c.template}/contents/${c.id}`)),
      environment: hal.link(hal.env(c.environmentId)),
      template: hal.link(hal.env(c.environmentId, `/templates/${c.template}`)),
    },
    id: c.id,
    environment: { id: c.environmentId },
    template: { id: c.template },
    default: c.isDefault,
    deliveryMethod: c.deliveryMethod,
    locale: c.locale,
    ...(c.variant ? { variant: c.variant } : {}),
    ...(c.email
      ? {
          ...(c.email.subject !== undefined ? { subject: c.email.subject } : {}),
          body: c.email.body,
          ...(c.email.from ? { from: c.email.from } : {}),
          ...(c.email.replyTo ? { replyTo: c.email.replyTo } : {}),
          charset: c.email.charset ?? 'UTF-8',
          emailContentType: c.email.emailContentType ?? 'text/html',
        }
      : {}),
    ...(c.sms ? { content: c.sms.content, ...(c.sms.sender ? { sender: c.sms.sender } : {}) } : {}),
    // Built-in contents have no stored timestamps.
    ...(c.isDefault ? {} : { createdAt: iso(c.createdAt), updatedAt: iso(c.updatedAt) }),
  };
}
