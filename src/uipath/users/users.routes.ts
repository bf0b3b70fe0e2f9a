import { Type } from '@sinclair/typebox';
import { forbidden } from '../../core/shared/errors.js';
import type { DirectoryService } from '../../core/users/directory.service.js';
import { actorWithConnectionOf } from '../../http/actor.js';
import type { FastifyTypebox } from '../../http/context.js';
import { IdentityFailure, identityResult, ProblemError } from '../errors.js';
import {
  describe,
  identityErrorsFromUnknown,
  isValidEmail,
  isValidUserName,
  type IdentityError,
} from '../identity-errors.js';
import {
  AnyProblemSchema,
  IdentityResultSchema,
  type OrgParams,
  ProblemDetailsSchema,
  responses,
  ValidationProblemSchema,
} from '../shared/schemas.js';
import {
  BulkCreateBody,
  BulkDeleteBody,
  ChangePasswordBody,
  CreateUserBody,
  toNewUser,
  toUserChange,
  UpdateUserBody,
  UserDtoSchema,
  userDto,
  UserPageSchema,
  type CreateUserBaseBody,
} from './users.wire.js';
import { sortKeyOf } from './sort.js';

const tags = ['UiPath Identity'];
const ListQuery = Type.Object({
  searchTerm: Type.Optional(Type.String()),
  top: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, default: 10 })),
  skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647, default: 0 })),
  sortBy: Type.Optional(Type.String()),
  sortOrder: Type.Optional(Type.String({ description: 'asc or desc' })),
});
const BulkCreateResult = Type.Object(
  { result: IdentityResultSchema, users: Type.Array(UserDtoSchema) },
  { title: 'BulkCreateResult' },
);

/** The identity rules ASP.NET's UserValidator applies before storage is touched. */
function validateNewUser(body: CreateUserBaseBody): IdentityError[] {
  const errors: IdentityError[] = [];
  const userName = body.userName ?? '';
  if (!isValidUserName(userName)) errors.push(describe.invalidUserName(userName));
  if (body.email && !isValidEmail(body.email)) errors.push(describe.invalidEmail(body.email));
  return errors;
}

/** A partition in a body or path must be the token's organization. */
function checkPartition(actorEnvironment: string, partition: string | undefined): void {
  if (partition !== undefined && partition.toLowerCase() !== actorEnvironment.toLowerCase())
    throw forbidden();
}

const lower = (id: string) => id.toLowerCase();

export function usersRoutes(app: FastifyTypebox, directory: DirectoryService, prefixParams: OrgParams) {
  const UserParams = Type.Object({ ...prefixParams, userId: Type.String() });
  const PartitionParams = Type.Object({ ...prefixParams, partitionGlobalId: Type.String() });
  const NoParams = Type.Object(prefixParams);

  app.get(
    '/User/:userId',
    {
      schema: {
        tags,
        summary: 'Get a user',
        params: UserParams,
        response: responses({ 200: UserDtoSchema }),
      },
    },
    async (request) => {
      const actor = actorWithConnectionOf(request);
      return userDto(await directory.get(actor, actor.environmentId, lower(request.params.userId)));
    },
  );

  app.put(
    '/User/:userId',
    {
      schema: {
        tags,
        summary: 'Update a user (only the fields sent change)',
        params: UserParams,
        body: UpdateUserBody,
        response: responses({ 200: IdentityResultSchema }),
      },
    },
    async (request) => {
      const actor = actorWithConnectionOf(request);
      const body = request.body;
      if (body.email && !isValidEmail(body.email))
        throw new IdentityFailure([describe.invalidEmail(body.email)]);
      const userId = lower(request.params.userId);
      const password = typeof body.password === 'string' && body.password !== '' ? body.password : undefined;
      // The user and its password change in one transaction: both, or neither.
      if (password !== undefined) await directory.get(actor, actor.environmentId, userId);
      await directory.update(actor, actor.environmentId, userId, { ...toUserChange(body), password });
      return identityResult([]);
    },
  );

  app.delete(
    '/User/:userId',
    {
      schema: {
        tags,
        summary: 'Delete a user',
        params: UserParams,
        response: responses({ 204: Type.Null() }),
      },
    },
    async (request, reply) => {
      const actor = actorWithConnectionOf(request);
      await directory.delete(actor, actor.environmentId, lower(request.params.userId));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/User',
    {
      schema: {
        tags,
        summary: 'Create a user (fails on a taken user name or email)',
        params: NoParams,
        body: CreateUserBody,
        response: responses({ 200: IdentityResultSchema }),
      },
    },
    async (request) => {
      const actor = actorWithConnectionOf(request);
      const body = request.body;
      checkPartition(actor.environmentId, body.partitionGlobalId);
      const problems = validateNewUser(body);
      if (problems.length > 0) throw new IdentityFailure(problems);
      const password = typeof body.password === 'string' && body.password !== '' ? body.password : undefined;
      const initialPassword = password
        ? { value: password, checkPolicy: body.validatePassword ?? false }
        : undefined;
      await directory.createMany(
        actor,
        actor.environmentId,
        [{ ...toNewUser(body), password: initialPassword }],
        {
          groupIds: body.groupIDs ?? undefined,
        },
      );
      return identityResult([]);
    },
  );

  app.delete(
    '/User',
    {
      schema: {
        tags,
        summary: 'Delete several users (one transaction)',
        params: NoParams,
        body: BulkDeleteBody,
        response: responses({ 204: Type.Null() }),
      },
    },
    async (request, reply) => {
      const actor = actorWithConnectionOf(request);
      checkPartition(actor.environmentId, request.body.partitionGlobalId);
      await directory.deleteMany(actor, actor.environmentId, request.body.userIds ?? []);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/User/users/:partitionGlobalId',
    {
      schema: {
        tags,
        summary: 'List the users of an organization',
        params: PartitionParams,
        querystring: ListQuery,
        response: responses({ 200: UserPageSchema }, AnyProblemSchema),
      },
    },
    async (request) => {
      const actor = actorWithConnectionOf(request);
      checkPartition(actor.environmentId, request.params.partitionGlobalId);
      const { searchTerm, top = 10, skip = 0, sortBy, sortOrder } = request.query;
      const sortField = sortKeyOf(sortBy);
      if (sortField === undefined)
        throw new ProblemError(400, { sortBy: [`The value '${sortBy}' is not valid for sortBy.`] });
      const order = (sortOrder ?? 'asc').toLowerCase();
      if (order !== 'asc' && order !== 'desc') {
        throw new ProblemError(400, { sortOrder: [`The value '${sortOrder}' is not valid for sortOrder.`] });
      }
      const page = await directory.list(actor, actor.environmentId, {
        searchTerm,
        sortBy: sortField,
        descending: order === 'desc',
        skip,
        top,
      });
      return { totalCount: page.total, results: page.items.map(userDto) };
    },
  );

  app.post(
    '/User/BulkCreate',
    {
      schema: {
        tags,
        summary: 'Create several users: all or none',
        params: NoParams,
        body: BulkCreateBody,
        response: responses(
          { 200: BulkCreateResult },
          Type.Union([BulkCreateResult, ValidationProblemSchema, ProblemDetailsSchema]),
        ),
      },
    },
    async (request, reply) => {
      const actor = actorWithConnectionOf(request);
      const body = request.body;
      checkPartition(actor.environmentId, body.partitionGlobalId);
      const inputs = body.users ?? [];
      const problems = inputs.flatMap(validateNewUser);
      const refuse = (errors: readonly IdentityError[]) =>
        reply.status(400).send({ result: identityResult(errors), users: [] });
      if (problems.length > 0) return refuse(problems);
      try {
        const created = await directory.createMany(actor, actor.environmentId, inputs.map(toNewUser), {
          groupIds: body.groupIDs ?? undefined,
        });
        return { result: identityResult([]), users: created.map(userDto) };
      } catch (error) {
        if (error instanceof IdentityFailure) return refuse(error.errors);
        const identity = identityErrorsFromUnknown(error);
        if (identity) return refuse(identity);
        throw error;
      }
    },
  );

  app.post(
    '/User/:userId/changepassword',
    {
      schema: {
        tags,
        summary: "Change a user's password (old password required)",
        params: UserParams,
        body: ChangePasswordBody,
        response: responses({ 200: IdentityResultSchema }),
      },
    },
    async (request) => {
      const actor = actorWithConnectionOf(request);
      const { oldPassword, newPassword } = request.body;
      if (typeof newPassword !== 'string' || newPassword === '') {
        throw new ProblemError(400, { newPassword: ['The NewPassword field is required.'] });
      }
      await directory.changePassword(actor, actor.environmentId, lower(request.params.userId), {
        currentPassword: oldPassword ?? '',
        newPassword,
      });
      return identityResult([]);
    },
  );
}
