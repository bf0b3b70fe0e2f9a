import type { FlowJson } from './flow-json.js';
import { offers } from './flow-json.js';
import { html, type SafeHtml } from './html.js';
import {
  field,
  heading,
  links,
  postForm,
  rulesList,
  switchAccount,
  type Screen,
  type ScreenContext,
} from './layout.js';
import { describePolicy } from './policy-rules.js';

function newPasswordFields(ctx: ScreenContext, flow: FlowJson): SafeHtml {
  const rules = describePolicy(flow._embedded?.passwordPolicy);
  return html`${field(ctx, {
    name: 'newPassword',
    label: 'New password',
    type: 'password',
    autocomplete: 'new-password',
    ...(rules.length > 0 ? { describedBy: 'password-rules' } : {}),
  })}
  ${field(ctx, { name: 'confirmPassword', label: 'Confirm new password', type: 'password', autocomplete: 'new-password' })}
  ${rulesList(rules, 'Password requirements:')}`;
}

/** Password managers pair a new password with the account through a username field, even a hidden one. */
function accountHint(flow: FlowJson): SafeHtml {
  const username = flow._embedded?.user?.username;
  return username === undefined
    ? html``
    : html`<input type="text" name="username" autocomplete="username" value="${username}" hidden />`;
}

/** MUST_CHANGE_PASSWORD and PASSWORD_EXPIRED: the same `password.reset` form, different words. */
export function changePasswordScreen(ctx: ScreenContext, flow: FlowJson, expired: boolean): Screen {
  const title = expired ? 'Your password has expired' : 'Change your password';
  const lead = expired
    ? 'Your password has expired. Choose a new one to continue.'
    : 'You need to choose a new password before you continue.';
  return {
    title,
    body: html`${heading(ctx, title, lead)}
    ${postForm(
      ctx,
      'password.reset',
      html`${accountHint(flow)}
      ${field(ctx, { name: 'currentPassword', label: 'Current password', type: 'password', autocomplete: 'current-password', autofocus: true })}
      ${newPasswordFields(ctx, flow)}`,
      { label: 'Change password', style: 'primary' },
    )}
    ${links([switchAccount(ctx, flow)])}`,
  };
}

export function recoveryCodeScreen(ctx: ScreenContext, flow: FlowJson): Screen {
  const title = 'Enter your recovery code';
  return {
    title,
    body: html`${heading(ctx, title, 'We emailed a recovery code to the address on your account. It is valid for a few minutes.')}
    ${postForm(
      ctx,
      'password.recover',
      html`${accountHint(flow)}
      ${field(ctx, { name: 'recoveryCode', label: 'Recovery code', type: 'text', autocomplete: 'one-time-code', autofocus: true })}
      ${newPasswordFields(ctx, flow)}`,
      { label: 'Reset password', style: 'primary' },
    )}
    ${
      offers(flow, 'password.sendRecoveryCode') &&
      postForm(ctx, 'password.sendRecoveryCode', '', { label: 'Resend code', style: 'secondary' })
    }
    ${links([switchAccount(ctx, flow)])}`,
  };
}

export function verificationCodeScreen(ctx: ScreenContext, flow: FlowJson): Screen {
  const title = 'Verify your email address';
  return {
    title,
    body: html`${heading(ctx, title, 'We emailed you a verification code. Enter it to finish creating your account.')}
    ${postForm(
      ctx,
      'user.verify',
      field(ctx, {
        name: 'verificationCode',
        label: 'Verification code',
        type: 'text',
        autocomplete: 'one-time-code',
        autofocus: true,
      }),
      { label: 'Verify', style: 'primary' },
    )}
    ${
      offers(flow, 'user.sendVerificationCode') &&
      postForm(ctx, 'user.sendVerificationCode', '', { label: 'Resend code', style: 'secondary' })
    }
    ${links([switchAccount(ctx, flow)])}`,
  };
}
