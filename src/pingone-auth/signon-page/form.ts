import { MESSAGES } from '../../pingone-common/errors.js';
import { recordOf } from '../../http/records.js';
import {
  PAGE_ACTIONS,
  flowActionMediaType,
  type PageAction,
  type PingOneErrorDetail,
  type PingOneErrorEnvelope,
} from './flow-json.js';
import { CSRF_FIELD } from './security.js';
import type { SignOnView } from './signon-screens.js';

/** Long enough for any passphrase, short enough that nobody makes the server hash a megabyte. */
const MAX_FIELD = 1024;

interface Values {
  readonly username?: string;
  readonly email?: string;
}

export type ParsedSignOnForm =
  | {
      readonly ok: true;
      readonly action: PageAction;
      /** `application/vnd.pingidentity.<action>+json`, the Content-Type of the Flows API call. */
      readonly mediaType: string;
      /** The Flows API JSON body for the action (`{}` for actions without one). */
      readonly fields: Readonly<Record<string, string>>;
      /** The posted CSRF token, for `verifyCsrfToken` (parsing does not verify it). */
      readonly csrfToken: string | undefined;
      readonly values: Values;
      /** The screen to draw again if the flow rejects the action. */
      readonly view?: SignOnView;
    }
  | {
      readonly ok: false;
      readonly action?: PageAction;
      /** Render it with `renderSignOnPage({error})`; the flow is not called. */
      readonly error: PingOneErrorEnvelope;
      readonly csrfToken: string | undefined;
      readonly values: Values;
      readonly view?: SignOnView;
    };

/** Per action: the posted fields it needs, their JSON names, and whether a new password is confirmed. */
const SPECS: Record<
  PageAction,
  { readonly fields: readonly string[]; readonly confirm?: string; readonly view?: SignOnView }
> = {
  'usernamePassword.check': { fields: ['username', 'password'] },
  'password.reset': { fields: ['currentPassword', 'newPassword'], confirm: 'newPassword' },
  'password.forgot': { fields: ['username'], view: 'forgotPassword' },
  'password.sendRecoveryCode': { fields: [] },
  'password.recover': { fields: ['recoveryCode', 'newPassword'], confirm: 'newPassword' },
  'user.register': { fields: ['username', 'email', 'password'], confirm: 'password', view: 'register' },
  'user.verify': { fields: ['verificationCode'] },
  'user.sendVerificationCode': { fields: [] },
  'session.reset': { fields: [] },
};

const PROMPTS: Record<string, string> = {
  username: 'Enter your username.',
  password: 'Enter your password.',
  currentPassword: 'Enter your current password.',
  newPassword: 'Enter a new password.',
  confirmPassword: 'Enter the new password again.',
  recoveryCode: 'Enter the recovery code from the email.',
  verificationCode: 'Enter the verification code from the email.',
  email: 'Enter your email address.',
};

/** Fields whose surrounding spaces are typing accidents; passwords are kept exactly as typed. */
const TRIMMED = new Set(['username', 'email', 'recoveryCode', 'verificationCode']);

const invalid = (details: PingOneErrorDetail[]): PingOneErrorEnvelope => ({
  code: 'INVALID_DATA',
  message: MESSAGES.invalidData,
  details,
});

/**
 * Reads a form posted by the sign-on page (`application/x-www-form-urlencoded`, already parsed
 * into an object) and maps it to the Flows API action and its JSON body. Every problem a person
 * can fix is reported at once as a PingOne error envelope, so the page shows it like a flow error.
 */
export function parseSignOnForm(body: unknown): ParsedSignOnForm {
  const form = recordOf(body);
  const text = (name: string): string | undefined => {
    const value = form[name];
    return typeof value === 'string' ? value : undefined;
  };
  const csrfToken = text(CSRF_FIELD);
  const posted = text('action');
  const action = PAGE_ACTIONS.find((a) => a === posted);
  const values: Values = {
    ...(text('username') !== undefined ? { username: text('username')!.trim().slice(0, MAX_FIELD) } : {}),
    ...(text('email') !== undefined ? { email: text('email')!.trim().slice(0, MAX_FIELD) } : {}),
  };
  if (action === undefined) {
    return {
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        message: MESSAGES.invalidRequest,
        details: [
          {
            code: 'INVALID_VALUE',
            target: 'action',
            message: 'This form cannot be sent. Reload the page and try again.',
          },
        ],
      },
      csrfToken,
      values,
    };
  }
  const spec = SPECS[action];
  const view = spec.view !== undefined ? { view: spec.view } : {};
  const fields: Record<string, string> = {};
  const details: PingOneErrorDetail[] = [];
  const read = (name: string): string | undefined => {
    const raw = form[name];
    if (raw !== undefined && typeof raw !== 'string') {
      details.push({ code: 'INVALID_VALUE', target: name, message: 'This field was sent more than once.' });
      return undefined;
    }
    const value = TRIMMED.has(name) ? raw?.trim() : raw;
    if (value === undefined || value === '') {
      details.push({
        code: 'REQUIRED_VALUE',
        target: name,
        message: PROMPTS[name] ?? `${name} is required.`,
      });
      return undefined;
    }
    if (value.length > MAX_FIELD) {
      details.push({
        code: 'INVALID_VALUE',
        target: name,
        message: `This value is longer than ${MAX_FIELD} characters.`,
      });
      return undefined;
    }
    return value;
  };
  for (const name of spec.fields) {
    const value = read(name);
    if (value !== undefined) fields[name] = value;
  }
  if (fields.email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(fields.email)) {
    details.push({
      code: 'INVALID_VALUE',
      target: 'email',
      message: 'Enter an email address like name@example.com.',
    });
  }
  if (spec.confirm !== undefined) {
    const confirm = read('confirmPassword');
    const chosen = fields[spec.confirm];
    if (confirm !== undefined && chosen !== undefined && confirm !== chosen) {
      details.push({
        code: 'INVALID_VALUE',
        target: 'confirmPassword',
        message: 'The passwords do not match.',
      });
    }
  }
  if (details.length > 0) return { ok: false, action, error: invalid(details), csrfToken, values, ...view };
  return { ok: true, action, mediaType: flowActionMediaType(action), fields, csrfToken, values, ...view };
}
