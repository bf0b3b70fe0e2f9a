import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { decodeCursor } from '../../core/shared/paging.js';
import type { User } from '../../core/users/user.js';
import type { UserRead } from '../../core/users/warm-users.js';
import type { ImportedPassword } from '../../core/users/user.js';
import { actorOf } from '../../http/actor.js';
import { createBodyPool } from '../../http/pooled-body.js';
import { writeCollection } from '../../pingone-common/collection-body.js';
import { collectionLinks } from '../../pingone-common/hal.js';
import { mediaTypeRoute, operationsWithParams } from '../../http/media-type-route.js';
import type { FastifyTypebox } from '../../http/context.js';
import type { PingOneContext } from '../context.js';
import { populationWire } from '../populations/populations.wire.js';
import {
  collectionSchema,
  EnvParams,
  LinksSchema,
  ListQuery,
  pageLimit,
  responses,
} from '../shared/schemas.js';
import {
  toNewUser,
  toUserChanges,
  UserCreateBody,
  UserImportBody,
  UserUpdateBody,
  type ImportPassword,
} from './users.body.js';
import { listedUserWriter } from './users-page-json.js';
import { UserSchema, userWire, type UserWireOptions } from './users.wire.js';

const tags = ['Users'];
export const UserParams = Type.Object({ envID: Type.String(), userID: Type.String() });
const ReadQuery = Type.Object({
  include: Type.Optional(
    Type.String({ description: 'memberOfGroupIDs and/or memberOfGroupNames (comma-separated)' }),
  ),
  expand: Type.Optional(Type.String({ description: 'population: embeds the population under _embedded' })),
});

/** An import's password, created with the user in one transaction by the users service. */
function importedPassword(password: ImportPassword | undefined): ImportedPassword | undefined {
  const value = password?.value;
  return value === undefined ? undefined : { value, forceChange: password?.forceChange };
}

/** Reused buffers for list pages (about 235 KB per 100 users): see `src/http/pooled-body.ts`. */
const PAGE_BUFFERS = { buffers: 16, maxBufferBytes: 1024 * 1024 };
/** What Fastify's serializer would have sent for the schema's JSON. */
const JSON_TYPE = 'application/json; charset=utf-8';

export function usersRoutes(
  app: FastifyTypebox,
  { services, hal, validators, compileSerializer }: PingOneContext,
) {
  // A password lockout makes `account.canAuthenticate` false, as in PingOne.
  const wire = async (user: User, options: Omit<UserWireOptions, 'now'> = {}) =>
    userWire(hal, user, {
      now: services.clock.now(),
      canAuthenticate: !(await services.passwords.lockedOut([user.id])).has(user.id),
      ...options,
    });

  const serializeUser = compileSerializer(UserSchema);
  const serializeLinks = compileSerializer(LinksSchema);
  const pageBodies = createBodyPool(PAGE_BUFFERS);
  const listedUser = listedUserWriter(hal, compileSerializer);
  /**
   * The serialized answer of a warm user (the core hands out the same object while it holds, and
   * only for answers time cannot change), so a warm GET skips the wire mapping and the serializer.
   * Keyed by that object: it goes when the core drops the user. `hal`'s base URL is this app's.
   */
  const warmBodies = new WeakMap<UserRead, Buffer>();
  const warmBody = (read: UserRead): Buffer => {
    let body = warmBodies.get(read);
    if (!body) {
      const wire = userWire(hal, read.user, {
        now: services.clock.now(),
        canAuthenticate: !read.passwordLockedOut,
      });
      body = Buffer.from(serializeUser(wire));
      warmBodies.set(read, body);
    }
    return body;
  };
  app.get(
    '/environments/:envID/users',
    {
      schema: {
        tags,
        params: EnvParams,
        querystring: ListQuery,
        response: responses({ 200: collectionSchema('users', UserSchema) }),
      },
    },
    async (request, reply) => {
      const { envID } = request.params;
      const { filter, cursor } = request.query;
      const limit = pageLimit(request.query.limit);
      const page = await services.users.list(actorOf(request), envID, {
        filter,
        limit,
        after: decodeCursor(cursor),
      });
      const links = collectionLinks(
        hal,
        hal.env(envID, '/users'),
        { filter, limit: request.query.limit },
        page,
      );
      const item = listedUser(envID, services.clock.now());
      // The bytes of `collectionSchema('users', UserSchema)`'s serializer, one user at a time.
      return pageBodies.send(reply, (out) =>
        writeCollection(out, { links: serializeLinks, item }, links, 'users', page.items, page.count),
      );
    },
  );

  const create = async (
    request: FastifyRequest<{ Params: Static<typeof EnvParams> }>,
    body: typeof UserImportBody.static,
    isImport: boolean,
  ) => {
    const { envID } = request.params;
    const user = await services.users.create(actorOf(request), envID, toNewUser(body, isImport), {
      password: isImport ? importedPassword(body.password) : undefined,
    });
    return wire(user);
  };

  const withParams = operationsWithParams(EnvParams);
  mediaTypeRoute(app, validators, {
    method: 'POST',
    url: '/environments/:envID/users',
    schema: { tags, params: EnvParams, response: responses({ 201: UserSchema }, [400, 401, 403, 404, 415]) },
    operations: [
      withParams({
        mediaType: 'application/json',
        body: UserCreateBody,
        summary: 'Create a user',
        async handle(request, reply, body) {
          const created = await create(request, body, false);
          return reply.status(201).header('Location', created._links.self!.href).send(created);
        },
      }),
      withParams({
        mediaType: 'application/vnd.pingidentity.user.import+json',
        body: UserImportBody,
        summary: 'Create a user with its password and lifecycle state (import)',
        async handle(request, reply, body) {
          const created = await create(request, body, true);
          return reply.status(201).header('Location', created._links.self!.href).send(created);
        },
      }),
    ],
  });

  app.get(
    '/environments/:envID/users/:userID',
    {
      schema: { tags, params: UserParams, querystring: ReadQuery, response: responses({ 200: UserSchema }) },
    },
    (request, reply) => {
      // A warm user answers without a promise (the service's `peekWithLockout`); any other
      // read, or one asking for more, takes the awaited path.
      if (request.query.include === undefined && request.query.expand === undefined) {
        const { envID, userID } = request.params;
        const warm = services.users.peekWithLockout(actorOf(request), envID, userID);
        if (warm) {
          void reply.type(JSON_TYPE).send(warmBody(warm));
          return undefined;
        }
      }
      return readUser(reply, actorOf(request), request.params, request.query);
    },
  );

  /** The awaited read of `GET /users/{id}`: every read but a warm one with nothing asked beyond it. */
  const readUser = async (
    reply: FastifyReply,
    actor: ReturnType<typeof actorOf>,
    { envID, userID }: Static<typeof UserParams>,
    query: Static<typeof ReadQuery>,
  ) => {
    const read = await services.users.getWithLockout(actor, envID, userID);
    const { user, passwordLockedOut } = read;
    if (read.warm && query.include === undefined && query.expand === undefined)
      return reply.type(JSON_TYPE).send(warmBody(read));
    const include = new Set((query.include ?? '').split(',').map((s) => s.trim()));
    const expand = new Set((query.expand ?? '').split(',').map((s) => s.trim()));
    const groups =
      include.has('memberOfGroupIDs') || include.has('memberOfGroupNames')
        ? await services.users.groupsOf(user)
        : [];
    return userWire(hal, user, {
      now: services.clock.now(),
      canAuthenticate: !passwordLockedOut,
      include: {
        ...(include.has('memberOfGroupIDs') ? { memberOfGroupIDs: groups.map((g) => g.id) } : {}),
        ...(include.has('memberOfGroupNames') ? { memberOfGroupNames: groups.map((g) => g.name) } : {}),
      },
      embedded: expand.has('population')
        ? { population: populationWire(hal, await services.users.populationOf(user)) }
        : undefined,
    });
  };

  /** PUT and PATCH: the service's write, answered with the user and its password lockout. */
  const updateUser = async (
    write: typeof services.users.patchWithLockout,
    actor: ReturnType<typeof actorOf>,
    { envID, userID }: { envID: string; userID: string },
    body: Parameters<typeof toUserChanges>[0],
  ) => {
    const { user, passwordLockedOut } = await write(actor, envID, userID, toUserChanges(body));
    return userWire(hal, user, { now: services.clock.now(), canAuthenticate: !passwordLockedOut });
  };

  app.put(
    '/environments/:envID/users/:userID',
    { schema: { tags, params: UserParams, body: UserUpdateBody, response: responses({ 200: UserSchema }) } },
    async (request) =>
      updateUser(services.users.replaceWithLockout, actorOf(request), request.params, request.body),
  );

  app.patch(
    '/environments/:envID/users/:userID',
    { schema: { tags, params: UserParams, body: UserUpdateBody, response: responses({ 200: UserSchema }) } },
    async (request) =>
      updateUser(services.users.patchWithLockout, actorOf(request), request.params, request.body),
  );

  app.delete(
    '/environments/:envID/users/:userID',
    { schema: { tags, params: UserParams, response: responses({ 204: Type.Null() }) } },
    async (request, reply) => {
      await services.users.delete(actorOf(request), request.params.envID, request.params.userID);
      return reply.status(204).send();
    },
  );
}
