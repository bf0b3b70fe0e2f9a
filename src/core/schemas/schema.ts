import { v5 } from 'uuid';

/** PingOne's attribute types; COMPLEX exists only for built-in attributes, so it is not creatable. */
export type AttributeType = 'STRING' | 'JSON' | 'BOOLEAN';
export const ATTRIBUTE_TYPES: readonly AttributeType[] = ['STRING', 'JSON', 'BOOLEAN'];

export interface EnumeratedValue {
  readonly value: string;
  readonly archived?: boolean | undefined;
  readonly description?: string | undefined;
}

export interface RegexValidation {
  readonly pattern: string;
  readonly requirements: string;
  readonly valuesPatternShouldMatch?: readonly string[] | undefined;
  readonly valuesPatternShouldNotMatch?: readonly string[] | undefined;
}

/** A custom attribute of an environment's `User` schema; values live in the user's profile. */
export interface SchemaAttribute {
  readonly id: string;
  readonly environmentId: string;
  readonly schemaId: string;
  readonly name: string;
  readonly displayName: string | undefined;
  readonly description: string | undefined;
  readonly type: AttributeType;
  readonly enabled: boolean;
  readonly required: boolean;
  readonly unique: boolean;
  readonly multiValued: boolean;
  readonly enumeratedValues: readonly EnumeratedValue[] | undefined;
  readonly regexValidation: RegexValidation | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface SchemaAttributeInput {
  readonly name: string;
  readonly displayName?: string | undefined;
  readonly description?: string | undefined;
  readonly type?: AttributeType | undefined;
  readonly enabled?: boolean | undefined;
  readonly required?: boolean | undefined;
  readonly unique?: boolean | undefined;
  readonly multiValued?: boolean | undefined;
  readonly enumeratedValues?: readonly EnumeratedValue[] | undefined;
  readonly regexValidation?: RegexValidation | undefined;
}

/** The one schema every environment has. */
export interface UserSchema {
  readonly id: string;
  readonly environmentId: string;
  readonly name: 'User';
  readonly description: string;
}

// Fixed namespace: the schema id is derived from the environment id, so it is stable across
// processes and restarts without being stored.
const SCHEMA_NAMESPACE = '6f1f3a52-3c1e-4d0e-9a57-0d5a2b1c7e11';

export const userSchemaId = (environmentId: string): string =>
  v5(environmentId.toLowerCase(), SCHEMA_NAMESPACE);

export const userSchema = (environmentId: string): UserSchema => ({
  id: userSchemaId(environmentId),
  environmentId,
  name: 'User',
  description: 'The attributes of the users of the environment.',
});

/** JSON attribute values are limited to 16 KB (PingOne's documented limit). */
export const JSON_VALUE_MAX_BYTES = 16 * 1024;
