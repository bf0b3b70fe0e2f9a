import type { FlowJson } from './flow-json.js';
import { offers } from './flow-json.js';
import { html } from './html.js';
import {
  field,
  heading,
  links,
  postForm,
  rulesList,
  switchAccount,
  withApp,
  type Screen,
  type ScreenContext,
} from './layout.js';
import { describePolicy } from './policy-rules.js';

/** Screens reached by a link from the sign-on screen rather than by a flow status. */
export const SIGNON_VIEWS = ['forgotPassword', 'register'] as const;
export type SignOnView = (typeof SIGNON_VIEWS)[number];

/** The `view` query parameter of a GET, if it names a view. */
export function parseSignOnView(value: unknown): SignOnView | undefined {
  return SIGNON_VIEWS.find((v) => v === value);
}

export function viewUrl(ctx: ScreenContext, view: SignOnView): string {
  return `${ctx.formUrl}&view=${view}`;
}

export function usernamePasswordScreen(ctx: ScreenContext, flow: FlowJson): Screen {
  const title = withApp(ctx, 'Sign on');
  return {
    title,
    body: html`${heading(ctx, title)}
    ${postForm(
      ctx,
      'usernamePassword.check',
      html`${field(ctx, { name: 'username', label: 'Username', type: 'text', autocomplete: 'username', value: ctx.values.username, autofocus: true })}
      ${field(ctx, { name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password' })}`,
      { label: 'Sign on', style: 'primary' },
    )}
    ${links([
      offers(flow, 'password.forgot') &&
        html`<a href="${viewUrl(ctx, 'forgotPassword')}">Forgot password?</a>`,
      offers(flow, 'user.register') && html`<a href="${viewUrl(ctx, 'register')}">Register</a>`,
      switchAccount(ctx, flow),
    ])}`,
  };
}

/** An existing session knows the user: only the password is asked (the username is shown, read-only). */
export function passwordScreen(ctx: ScreenContext, flow: FlowJson): Screen {
  const username = flow._embedded?.user?.username;
  if (username === undefined) return usernamePasswordScreen(ctx, flow);
  const title = withApp(ctx, 'Sign on');
  return {
    title,
    body: html`${heading(ctx, title, 'Enter your password to continue.')}
    ${postForm(
      ctx,
      'usernamePassword.check',
      html`${field(ctx, { name: 'username', label: 'Username', type: 'text', autocomplete: 'username', value: username, readonly: true })}
      ${field(ctx, { name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', autofocus: true })}`,
      { label: 'Sign on', style: 'primary' },
    )}
    ${links([
      offers(flow, 'password.forgot') &&
        html`<a href="${viewUrl(ctx, 'forgotPassword')}">Forgot password?</a>`,
      switchAccount(ctx, flow),
    ])}`,
  };
}

export function forgotPasswordScreen(ctx: ScreenContext): Screen {
  const title = 'Reset your password';
  return {
    title,
    body: html`${heading(ctx, title, 'Enter your username and we will email you a recovery code.')}
    ${postForm(
      ctx,
      'password.forgot',
      field(ctx, {
        name: 'username',
        label: 'Username',
        type: 'text',
        autocomplete: 'username',
        value: ctx.values.username,
        autofocus: true,
      }),
      { label: 'Send recovery code', style: 'primary' },
    )}
    ${links([html`<a href="${ctx.formUrl}">Back to sign on</a>`])}`,
  };
}

export function registerScreen(ctx: ScreenContext, flow: FlowJson): Screen {
  const title = withApp(ctx, 'Create your account', 'for');
  const rules = describePolicy(flow._embedded?.passwordPolicy);
  const describedBy = rules.length > 0 ? 'password-rules' : undefined;
  return {
    title,
    body: html`${heading(ctx, title)}
    ${postForm(
      ctx,
      'user.register',
      html`${field(ctx, { name: 'username', label: 'Username', type: 'text', autocomplete: 'username', value: ctx.values.username, autofocus: true })}
      ${field(ctx, { name: 'email', label: 'Email', type: 'email', autocomplete: 'email', value: ctx.values.email })}
      ${field(ctx, { name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', ...(describedBy ? { describedBy } : {}) })}
      ${field(ctx, { name: 'confirmPassword', label: 'Confirm password', type: 'password', autocomplete: 'new-password' })}
      ${rulesList(rules, 'Password requirements:')}`,
      { label: 'Register', style: 'primary' },
    )}
    ${links([html`<a href="${ctx.formUrl}">Already have an account? Sign on</a>`])}`,
  };
}
