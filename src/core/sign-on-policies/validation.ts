import { authorize, type Actor } from '../access/actor.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import { invalidData, invalidValue } from '../shared/errors.js';
import {
  ACTION_TYPES,
  MAX_ACTIONS_PER_POLICY,
  SUPPORTED_ACTION_TYPES,
  type LoginSettings,
  type SignOnPolicyActionInput,
} from './sign-on-policy.js';

/**
 * PingOne's permissions for sign-on policies (`authn:<verb>:signOnPolicy`, as listed in its
 * custom-role API). Actions and application assignments are governed by the same four.
 */
export const PERMISSIONS = {
  read: 'authn:read:signOnPolicy',
  create: 'authn:create:signOnPolicy',
  update: 'authn:update:signOnPolicy',
  delete: 'authn:delete:signOnPolicy',
} as const;

/** Resolves the environment (404 when unknown) and checks the permission there. */
export async function authorizeIn(
  environments: EnvironmentsService,
  actor: Actor,
  environmentId: string,
  permission: string,
) {
  const env = await environments.require(environmentId);
  authorize(actor, permission, { environmentId: env.id, organizationId: env.organizationId });
  return env;
}

const SIMPLE_NAME = /^[a-zA-Z0-9_. -]+$/;
// RFC 3986: scheme ":" then something, no whitespace.
const ABSOLUTE_URI = /^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/;

/** Names are letters, digits, `_`, `.`, `-` and spaces, or an absolute URI when they hold a `:`. */
export function checkPolicyName(name: string): void {
  const valid = name.includes(':') ? ABSOLUTE_URI.test(name) : SIMPLE_NAME.test(name);
  if (!valid) {
    throw invalidValue(
      'name',
      'must contain only letters, digits, underscores, periods, hyphens and spaces, or be an absolute URI',
    );
  }
}

export function checkPriority(priority: number): void {
  if (!Number.isInteger(priority) || priority < 1) {
    throw invalidValue('priority', 'must be an integer of at least 1');
  }
}

/**
 * Checks an action as sent and returns its LOGIN settings. The type is checked first, so a
 * client sending another PingOne type learns that it is not supported rather than which of its
 * fields we do not know.
 */
export function loginSettingsOf(input: SignOnPolicyActionInput): LoginSettings {
  if (!(ACTION_TYPES as readonly string[]).includes(input.type)) {
    throw invalidValue('type', `must be one of ${ACTION_TYPES.join(', ')}`);
  }
  if (!SUPPORTED_ACTION_TYPES.includes(input.type)) {
    throw invalidValue(
      'type',
      `The sign-on policy action type ${input.type} is not supported yet; ` +
        `supported types: ${SUPPORTED_ACTION_TYPES.join(', ')}.`,
    );
  }
  checkPriority(input.priority);
  if (input.socialProviderIds && input.socialProviderIds.length > 0) {
    throw invalidValue('socialProviders', 'Social sign-on providers are not supported yet.');
  }
  if (input.newUserProvisioning) {
    throw invalidValue('newUserProvisioning', 'Gateway provisioning of new users is not supported yet.');
  }
  const registration = input.registration;
  if (registration?.externalHref !== undefined) {
    throw invalidValue('registration.external', 'Registration in an external store is not supported yet.');
  }
  return {
    recoveryEnabled: input.recovery?.enabled ?? false,
    registration: {
      enabled: registration?.enabled ?? false,
      ...(registration?.populationId !== undefined ? { populationId: registration.populationId } : {}),
      ...(registration?.confirmIdentityProviderAttributes !== undefined
        ? { confirmIdentityProviderAttributes: registration.confirmIdentityProviderAttributes }
        : {}),
    },
    enforceLockoutForIdentityProviders: input.enforceLockoutForIdentityProviders ?? false,
  };
}

export const tooManyActions = () =>
  invalidData([
    {
      code: 'size_limit_exceeded',
      target: 'actions',
      message: `A sign-on policy can have at most ${MAX_ACTIONS_PER_POLICY} actions.`,
    },
  ]);
