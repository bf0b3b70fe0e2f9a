import { Type } from '@sinclair/typebox';
import { activityDocument, type Activity } from '../../core/activities/activity.js';
import type { Hal } from '../../pingone-common/hal.js';
import { IdRef, LinksSchema } from '../shared/schemas.js';

const ActorClient = Type.Object({
  id: Type.String(),
  name: Type.Optional(Type.String()),
  environment: IdRef,
  href: Type.Optional(Type.String()),
  type: Type.Literal('CLIENT'),
});
const ActorUser = Type.Object({
  id: Type.String(),
  name: Type.Optional(Type.String()),
  environment: IdRef,
  population: Type.Object({ id: Type.Optional(Type.String()) }),
  href: Type.Optional(Type.String()),
  type: Type.Literal('USER'),
});
const Resource = Type.Object({
  type: Type.String(),
  id: Type.String(),
  name: Type.Optional(Type.String()),
  environment: IdRef,
  population: Type.Optional(IdRef),
  href: Type.Optional(Type.String()),
});

/** An audit activity (reference §3.3): the same object webhooks deliver, plus links. */
export const ActivitySchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  recordedAt: Type.String(),
  createdAt: Type.String(),
  correlationId: Type.Optional(Type.String()),
  actors: Type.Object({ client: Type.Optional(ActorClient), user: Type.Optional(ActorUser) }),
  action: Type.Object({ type: Type.String(), description: Type.String() }),
  resources: Type.Array(Resource),
  result: Type.Object({ status: Type.String(), description: Type.String() }),
  tags: Type.Optional(Type.Array(Type.String())),
});

const HREF_OF: Record<string, string> = {
  USER: '/users',
  GROUP: '/groups',
  POPULATION: '/populations',
  APPLICATION: '/applications',
  SUBSCRIPTION: '/subscriptions',
  PASSWORD_POLICY: '/passwordPolicies',
  SIGN_ON_POLICY: '/signOnPolicies',
};

export function activityWire(hal: Hal, activity: Activity) {
  const doc = activityDocument(activity);
  const env = activity.environmentId;
  const client = doc.actors.client;
  const user = doc.actors.user;
  return {
    _links: { self: hal.link(hal.env(env, `/activities/${activity.id}`)) },
    ...doc,
    actors: {
      ...(client
        ? {
            client: {
              ...client,
              href: hal.href(hal.env(client.environment.id, `/applications/${client.id}`)),
            },
          }
        : {}),
      ...(user
        ? { user: { ...user, href: hal.href(hal.env(user.environment.id, `/users/${user.id}`)) } }
        : {}),
    },
    resources: doc.resources.map((r) => {
      const base = HREF_OF[r.type];
      return base ? { ...r, href: hal.href(hal.env(env, `${base}/${r.id}`)) } : r;
    }),
  };
}
