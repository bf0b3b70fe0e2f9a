import { Type, type TSchema } from '@sinclair/typebox';
import { ErrorSchema } from '../../pingone-common/errors.js';

export const Uuid = Type.String({
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
});
export const IdRef = Type.Object({ id: Type.String() });
export const LinksSchema = Type.Record(Type.String(), Type.Object({ href: Type.String() }));

export const EnvParams = Type.Object({ envID: Type.String() });

export const ListQuery = Type.Object({
  filter: Type.Optional(Type.String()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  cursor: Type.Optional(Type.String()),
});

/** The standard error responses of a management route, plus its success responses. */
export function responses(success: Record<number, TSchema>, errors: number[] = [400, 401, 403, 404]) {
  return {
    ...success,
    ...Object.fromEntries(errors.map((status) => [status, ErrorSchema])),
  };
}

export function collectionSchema(key: string, item: TSchema) {
  return Type.Object({
    _links: LinksSchema,
    _embedded: Type.Object({ [key]: Type.Array(item) }),
    count: Type.Optional(Type.Integer()),
    size: Type.Integer(),
  });
}

/**
 * Page size: PingOne caps pages server-side; clients must read `size`. Without `limit` a list
 * answers one maximal page ("the lesser of the service-defined maximum page size or the number
 * of items", reference more §7), so a client that reads only the first page loses nothing below
 * the cap. Services may cap lower (users: 200).
 */
export const pageLimit = (limit: number | undefined, max = 1000) => Math.min(limit ?? max, max);
