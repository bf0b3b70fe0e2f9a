import { Type, type Static, type TSchema, type TString } from '@sinclair/typebox';

/**
 * Schemas shared by the UiPath routes. Request bodies use OpenAPI's `nullable` (read by the
 * binder in binding.ts); responses use `T | null` unions for the serializer.
 */

/** A body field that may be null (`nullable`, as in UiPath's Swagger). */
export const Nullable = <T extends TSchema>(schema: T) =>
  Type.Unsafe<Static<T> | null>({ ...schema, nullable: true });
export const OrNull = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Guid = Type.String({ format: 'uuid' });

export const IdentityErrorSchema = Type.Object({
  code: OrNull(Type.String()),
  description: OrNull(Type.String()),
});
export const IdentityResultSchema = Type.Object(
  { succeeded: Type.Boolean(), errors: Type.Array(IdentityErrorSchema) },
  { title: 'IdentityResult' },
);

const problemProperties = {
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  traceId: Type.String(),
};
/** ASP.NET's ValidationProblemDetails: `errors` by JSON path first, as ASP.NET writes it. */
export const ValidationProblemSchema = Type.Object(
  { errors: Type.Record(Type.String(), Type.Array(Type.String())), ...problemProperties },
  { title: 'ValidationProblemDetails' },
);
export const ProblemDetailsSchema = Type.Object(problemProperties, { title: 'ProblemDetails' });
/** Either ProblemDetails form. */
export const AnyProblemSchema = Type.Union([ValidationProblemSchema, ProblemDetailsSchema]);

export const ScopeErrorSchema = Type.Object({ errorMessage: Type.String() }, { title: 'ScopeError' });

/** A route's success responses plus the error answers every UiPath API route can give. */
export function responses<S extends Record<number, TSchema>>(
  success: S,
  badRequest: TSchema = Type.Union([IdentityResultSchema, ValidationProblemSchema, ProblemDetailsSchema]),
) {
  return {
    ...success,
    400: badRequest,
    401: Type.Null({ description: 'Missing or invalid bearer token (empty body, WWW-Authenticate: Bearer)' }),
    403: Type.Union([ScopeErrorSchema, ProblemDetailsSchema]),
    404: ProblemDetailsSchema,
  };
}

/** The route values a prefix declares (`/:organizationName/:tenantName/identity_` has both). */
export type OrgParams = Record<string, TString>;
export function orgParams(prefix: string): OrgParams {
  return Object.fromEntries([...prefix.matchAll(/:(\w+)/g)].map((m) => [m[1]!, Type.String()]));
}
