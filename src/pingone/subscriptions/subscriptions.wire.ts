import { Type, type Static } from '@sinclair/typebox';
import { iso, isoOrUndefined } from '../../core/shared/clock.js';
import {
  MASKED_HEADER_VALUE,
  type Subscription,
  type SubscriptionInput,
} from '../../core/webhooks/subscription.js';
import type { Hal } from '../../pingone-common/hal.js';
import { IdRef, LinksSchema } from '../shared/schemas.js';

const Headers = Type.Record(Type.String(), Type.String({ maxLength: 4096 }));
const IdList = Type.Array(IdRef);

export const SubscriptionBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    enabled: Type.Boolean(),
    format: Type.Optional(
      Type.Union([Type.Literal('ACTIVITY'), Type.Literal('SPLUNK'), Type.Literal('NEWRELIC')]),
    ),
    verifyTlsCertificates: Type.Boolean(),
    httpEndpoint: Type.Object({ url: Type.String({ minLength: 1 }), headers: Type.Optional(Headers) }),
    filterOptions: Type.Object(
      {
        includedActionTypes: Type.Array(Type.String({ minLength: 1 })),
        includedApplications: Type.Optional(IdList),
        includedPopulations: Type.Optional(IdList),
        includedTags: Type.Optional(Type.Array(Type.Literal('adminIdentityEvent'))),
      },
      { additionalProperties: true },
    ),
  },
  // PingOne's other fields (protocol, payloadOptions...) are accepted and ignored (see docs).
  { additionalProperties: true },
);
export type SubscriptionBody = Static<typeof SubscriptionBody>;

export const SubscriptionSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  environment: IdRef,
  name: Type.String(),
  enabled: Type.Boolean(),
  format: Type.String(),
  verifyTlsCertificates: Type.Boolean(),
  httpEndpoint: Type.Object({ url: Type.String(), headers: Type.Optional(Headers) }),
  filterOptions: Type.Object({
    includedActionTypes: Type.Array(Type.String()),
    includedApplications: Type.Optional(IdList),
    includedPopulations: Type.Optional(IdList),
    includedTags: Type.Optional(Type.Array(Type.String())),
  }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  /** Tessera extension: the outcome of the latest delivery attempt (docs/webhooks.md). */
  deliveryStatus: Type.Object({
    lastAttemptAt: Type.Optional(Type.String()),
    lastStatus: Type.Optional(Type.String()),
    lastError: Type.Optional(Type.String()),
    lastSuccessAt: Type.Optional(Type.String()),
    failedAttempts: Type.Integer(),
    nextAttemptAt: Type.Optional(Type.String()),
    pending: Type.Integer(),
  }),
});

const ids = (list: readonly { id: string }[] | undefined) => list?.map((item) => item.id);

export const toSubscriptionInput = (body: SubscriptionBody): SubscriptionInput => ({
  name: body.name,
  enabled: body.enabled,
  format: body.format ?? 'ACTIVITY',
  url: body.httpEndpoint.url,
  headers: body.httpEndpoint.headers ?? {},
  verifyTlsCertificates: body.verifyTlsCertificates,
  filter: {
    includedActionTypes: body.filterOptions.includedActionTypes,
    includedApplications: ids(body.filterOptions.includedApplications),
    includedPopulations: ids(body.filterOptions.includedPopulations),
    includedTags: body.filterOptions.includedTags,
  },
});

const idRefs = (list: readonly string[] | undefined) =>
  list && list.length > 0 ? list.map((id) => ({ id })) : undefined;

/** Header values are never shown: each reads as MASKED_HEADER_VALUE (docs/webhooks.md). */
export function subscriptionWire(hal: Hal, s: Subscription) {
  const headerNames = Object.keys(s.headers);
  const { delivery } = s;
  return {
    _links: { self: hal.link(hal.env(s.environmentId, `/subscriptions/${s.id}`)) },
    id: s.id,
    environment: { id: s.environmentId },
    name: s.name,
    enabled: s.enabled,
    format: s.format,
    verifyTlsCertificates: s.verifyTlsCertificates,
    httpEndpoint: {
      url: s.url,
      ...(headerNames.length > 0
        ? { headers: Object.fromEntries(headerNames.map((name) => [name, MASKED_HEADER_VALUE])) }
        : {}),
    },
    filterOptions: {
      includedActionTypes: [...s.filter.includedActionTypes],
      includedApplications: idRefs(s.filter.includedApplications),
      includedPopulations: idRefs(s.filter.includedPopulations),
      includedTags:
        s.filter.includedTags && s.filter.includedTags.length > 0 ? [...s.filter.includedTags] : undefined,
    },
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
    deliveryStatus: {
      lastAttemptAt: isoOrUndefined(delivery.lastAttemptAt),
      lastStatus: delivery.lastStatus,
      lastError: delivery.lastError,
      lastSuccessAt: isoOrUndefined(delivery.lastSuccessAt),
      failedAttempts: delivery.failedAttempts,
      nextAttemptAt: delivery.pending > 0 ? iso(delivery.nextAttemptAt) : undefined,
      pending: delivery.pending,
    },
  };
}
