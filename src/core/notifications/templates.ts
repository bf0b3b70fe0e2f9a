import { createHash } from 'node:crypto';
import type { ContentMethod, TemplateContent } from './notification.js';

/** A predefined notification template (templates are read-only; their contents are not). */
export interface TemplateDefinition {
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  readonly deliveryMethods: readonly ContentMethod[];
  readonly variables: readonly { readonly name: string; readonly required: boolean }[];
  readonly allowDynamicVariables: boolean;
  /** The built-in content per delivery method, in the environment's default language. */
  readonly defaults: {
    readonly Email: { readonly subject: string; readonly body: string };
    readonly SMS: { readonly content: string };
  };
}

/** The environment default language (Tessera has no per-environment language settings yet). */
export const DEFAULT_LOCALE = 'en';

const credentialVariables = [
  { name: 'credential.name', required: false },
  { name: 'user.username', required: false },
  { name: 'user.name.given', required: false },
  { name: 'user.name.family', required: false },
];

const credentialTemplate = (name: string, verb: string): TemplateDefinition => ({
  name,
  displayName: `Credential ${verb[0]!.toUpperCase()}${verb.slice(1)}`,
  description: `Sent to a user when a credential is ${verb}.`,
  deliveryMethods: ['Email', 'SMS'],
  variables: credentialVariables,
  allowDynamicVariables: false,
  defaults: {
    Email: {
      subject: `Your \${credential.name} credential was ${verb}`,
      body: `<p>Hello \${user.username},</p><p>Your \${credential.name} credential was ${verb}.</p>`,
    },
    SMS: { content: `Your \${credential.name} credential was ${verb}.` },
  },
});

export const TEMPLATES: readonly TemplateDefinition[] = [
  credentialTemplate('credential_issued', 'issued'),
  credentialTemplate('credential_updated', 'updated'),
  credentialTemplate('credential_revoked', 'revoked'),
  {
    name: 'recovery_code_template',
    displayName: 'Recovery Code',
    description: 'Sent to a user who asked to recover their password; carries the recovery code.',
    deliveryMethods: ['Email', 'SMS'],
    variables: [
      { name: 'code', required: true },
      { name: 'user.username', required: false },
      { name: 'user.name.given', required: false },
      { name: 'user.name.family', required: false },
    ],
    allowDynamicVariables: false,
    defaults: {
      Email: {
        subject: 'Password recovery',
        body: '<p>Hello ${user.username},</p><p>Your password recovery code is <b>${code}</b>.</p>',
      },
      SMS: { content: 'Your password recovery code is ${code}.' },
    },
  },
];

const BY_NAME = new Map(TEMPLATES.map((t) => [t.name, t]));
export const findTemplate = (name: string): TemplateDefinition | undefined => BY_NAME.get(name);

/** A stable id for a built-in content, different in every environment. */
function defaultContentId(environmentId: string, template: string, method: ContentMethod): string {
  const hex = createHash('sha256')
    .update(`${environmentId}:${template}:${method}:${DEFAULT_LOCALE}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The built-in default contents of a template in an environment. They are served from code rather
 * than seeded, so environments created before this feature have them too and they can never drift.
 */
export function defaultContents(environmentId: string, definition: TemplateDefinition): TemplateContent[] {
  return definition.deliveryMethods.map((method) => ({
    id: defaultContentId(environmentId, definition.name, method),
    environmentId,
    template: definition.name,
    deliveryMethod: method,
    locale: DEFAULT_LOCALE,
    variant: '',
    isDefault: true,
    ...(method === 'Email'
      ? { email: { ...definition.defaults.Email, charset: 'UTF-8', emailContentType: 'text/html' } }
      : { sms: { ...definition.defaults.SMS } }),
    createdAt: 0,
    updatedAt: 0,
  }));
}
