import { Type, type Static } from '@sinclair/typebox';
import type {
  CredentialType,
  CredentialTypeInput,
  CredentialTypeVersion,
} from '../../core/credentials/credential-type.js';
import { iso } from '../../core/shared/clock.js';
import type { JsonObject } from '../../core/shared/json.js';
import type { Hal } from '../../pingone-common/hal.js';
import { IdRef, LinksSchema } from '../shared/schemas.js';

const Open = { additionalProperties: true } as const;

const FieldBody = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    title: Type.String({ minLength: 1 }),
    type: Type.String(),
    attribute: Type.Optional(Type.String()),
    value: Type.Optional(Type.String()),
    required: Type.Optional(Type.Boolean()),
    isVisible: Type.Optional(Type.Boolean()),
    default: Type.Optional(Type.String()),
    fileSupport: Type.Optional(
      Type.Union([
        Type.Literal('BASE64_STRING'),
        Type.Literal('INCLUDE_FILE'),
        Type.Literal('REFERENCE_FILE'),
      ]),
    ),
  },
  Open,
);

const TimeUnit = Type.Union(['SECONDS', 'MINUTES', 'HOURS', 'DAYS'].map((u) => Type.Literal(u)));

export const CredentialTypeBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 256 }),
    description: Type.Optional(Type.String()),
    cardType: Type.Optional(Type.String()),
    cardDesignTemplate: Type.Optional(Type.String()),
    issuerName: Type.Optional(Type.String()),
    management: Type.Optional(
      Type.Object(
        { mode: Type.Optional(Type.Union([Type.Literal('AUTOMATED'), Type.Literal('MANAGED')])) },
        Open,
      ),
    ),
    metadata: Type.Object({ fields: Type.Optional(Type.Array(FieldBody)) }, Open),
    expiration: Type.Optional(
      Type.Object(
        {
          type: Type.Union([Type.Literal('SOFT'), Type.Literal('HARD')]),
          after: Type.Optional(Type.Object({ duration: Type.Integer({ minimum: 1 }), timeUnit: TimeUnit })),
          timestamp: Type.Optional(Type.String({ format: 'date-time' })),
          expression: Type.Optional(Type.String()),
          fieldName: Type.Optional(Type.String()),
        },
        Open,
      ),
    ),
    onDelete: Type.Optional(Type.Object({ revokeIssuedCredentials: Type.Optional(Type.Boolean()) }, Open)),
    multiple: Type.Optional(Type.Object({ expression: Type.String() }, Open)),
    openid4VCI: Type.Optional(Type.Object({}, Open)),
    visualizationTemplateData: Type.Optional(Type.Object({}, Open)),
  },
  Open,
);
export type CredentialTypeBody = Static<typeof CredentialTypeBody>;

/** Read-only attributes clients often send back with a PUT; they never reach the document. */
const READ_ONLY = [
  '_links',
  'id',
  'createdAt',
  'updatedAt',
  'deletedAt',
  'environment',
  'issuer',
  'uri',
  'version',
  'systemProvided',
  'title',
  'management',
];

export function toCredentialTypeInput(body: CredentialTypeBody): CredentialTypeInput {
  const document: JsonObject = {};
  for (const [key, value] of Object.entries(body))
    if (!READ_ONLY.includes(key) && value !== undefined) document[key] = value;
  return { title: body.title, mode: body.management?.mode, document };
}

const VersionRef = Type.Object({ number: Type.Integer(), uri: Type.String(), id: Type.String() });

export const CredentialTypeSchema = Type.Object(
  {
    _links: Type.Optional(LinksSchema),
    id: Type.String(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    deletedAt: Type.Optional(Type.String()),
    environment: IdRef,
    title: Type.String(),
    description: Type.Optional(Type.String()),
    cardType: Type.Optional(Type.String()),
    cardDesignTemplate: Type.Optional(Type.String()),
    issuerName: Type.Optional(Type.String()),
    management: Type.Object({ mode: Type.String() }),
    metadata: Type.Optional(Type.Object({}, Open)),
    expiration: Type.Optional(Type.Object({}, Open)),
    onDelete: Type.Object({ revokeIssuedCredentials: Type.Boolean() }),
    multiple: Type.Optional(Type.Object({}, Open)),
    openid4VCI: Type.Optional(Type.Object({}, Open)),
    visualizationTemplateData: Type.Optional(Type.Object({}, Open)),
    uri: Type.String(),
    version: VersionRef,
    systemProvided: Type.Boolean(),
  },
  Open,
);
type CredentialTypeWire = Static<typeof CredentialTypeSchema>;

export const typeUri = (hal: Hal, id: string) => hal.href(`/distributedid/credentialTypes/${id}`);
export const versionRef = (hal: Hal, typeId: string, version: { number: number; id: string }) => ({
  number: version.number,
  uri: `${typeUri(hal, typeId)}/v${version.number}`,
  id: version.id,
});

/** A credential type on the wire; Read All passes `withMetadata: false` (PingOne omits it there). */
export function credentialTypeWire(
  hal: Hal,
  t: CredentialType,
  options: { withMetadata?: boolean; links?: boolean } = {},
): CredentialTypeWire {
  const { metadata, cardDesignTemplate, ...rest } = t.document;
  const base = hal.env(t.environmentId, `/credentialTypes/${t.id}`);
  return {
    ...(options.links === false
      ? {}
      : {
          _links: {
            self: hal.link(base),
            environment: hal.link(hal.env(t.environmentId)),
            version: hal.link(`${base}/versions/${t.version.id}`),
            versions: hal.link(`${base}/versions`),
          },
        }),
    ...(rest as Record<string, unknown>),
    id: t.id,
    createdAt: iso(t.createdAt),
    updatedAt: iso(t.updatedAt),
    ...(t.deletedAt !== undefined ? { deletedAt: iso(t.deletedAt) } : {}),
    environment: { id: t.environmentId },
    title: t.title,
    management: { mode: t.mode },
    ...(options.withMetadata === false ? {} : { metadata: metadata as JsonObject }),
    ...(options.withMetadata === false || cardDesignTemplate === undefined
      ? {}
      : { cardDesignTemplate: cardDesignTemplate as string }),
    onDelete: rest.onDelete as { revokeIssuedCredentials: boolean },
    uri: typeUri(hal, t.id),
    version: versionRef(hal, t.id, t.version),
    systemProvided: false,
  };
}

export const CredentialTypeVersionSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  createdAt: Type.String(),
  environment: IdRef,
  credentialType: IdRef,
  version: Type.Integer(),
  snapshot: CredentialTypeSchema,
});

export function credentialTypeVersionWire(
  hal: Hal,
  v: CredentialTypeVersion,
): Static<typeof CredentialTypeVersionSchema> {
  const base = hal.env(v.environmentId, `/credentialTypes/${v.credentialTypeId}`);
  return {
    _links: {
      self: hal.link(`${base}/versions/${v.id}`),
      environment: hal.link(hal.env(v.environmentId)),
      credentialType: hal.link(base),
    },
    id: v.id,
    createdAt: iso(v.createdAt),
    environment: { id: v.environmentId },
    credentialType: { id: v.credentialTypeId },
    version: v.version,
    snapshot: credentialTypeWire(hal, v.snapshot, { links: false }),
  };
}
