import type { JsonObject } from '../shared/json.js';

export type ManagementMode = 'AUTOMATED' | 'MANAGED';
export type FieldType = 'Alphanumeric Text' | 'Issued Timestamp' | 'Directory Attribute';

export interface MetadataField {
  readonly id: string;
  readonly title: string;
  readonly type: FieldType;
  readonly attribute?: string | undefined;
  readonly value?: string | undefined;
  readonly required: boolean;
  readonly isVisible: boolean;
  readonly default?: string | undefined;
  readonly fileSupport?: string | undefined;
}

/**
 * A credential type. `document` holds every client-supplied attribute except `title` and
 * `management.mode` (description, cardType, metadata, expiration, onDelete, ...), normalised with
 * its defaults, exactly as it is returned.
 */
export interface CredentialType {
  readonly id: string;
  readonly environmentId: string;
  readonly title: string;
  readonly mode: ManagementMode;
  readonly document: JsonObject;
  readonly version: { readonly number: number; readonly id: string };
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly deletedAt: number | undefined;
}

export interface CredentialTypeInput {
  readonly title: string;
  readonly mode: ManagementMode | undefined;
  /** Every other attribute of the request body. */
  readonly document: JsonObject;
}

export interface CredentialTypeVersion {
  readonly id: string;
  readonly environmentId: string;
  readonly credentialTypeId: string;
  readonly version: number;
  readonly snapshot: CredentialType;
  readonly createdAt: number;
}

export const fieldsOf = (type: CredentialType): MetadataField[] => {
  const metadata = type.document.metadata as { fields?: MetadataField[] } | undefined;
  return metadata?.fields ?? [];
};

export const revokesOnDelete = (type: CredentialType): boolean =>
  (type.document.onDelete as { revokeIssuedCredentials?: boolean } | undefined)?.revokeIssuedCredentials !==
  false;
