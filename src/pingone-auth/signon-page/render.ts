import { errorView, isExpiredFlowError, type ErrorView } from './error-view.js';
import type { FlowJson, PingOneErrorEnvelope } from './flow-json.js';
import { offers } from './flow-json.js';
import { page, type Screen, type ScreenContext } from './layout.js';
import { changePasswordScreen, recoveryCodeScreen, verificationCodeScreen } from './password-screens.js';
import {
  forgotPasswordScreen,
  registerScreen,
  passwordScreen,
  usernamePasswordScreen,
  type SignOnView,
} from './signon-screens.js';
import { expiredScreen, finishedScreen, unsupportedScreen } from './terminal-screens.js';

export interface SignOnPageInput {
  /** The flow as the Flows API returns it; null when it expired or never existed (404 page). */
  readonly flow: FlowJson | null;
  /** The error envelope of the action just posted (or of `parseSignOnForm`), shown on the screen. */
  readonly error?: PingOneErrorEnvelope | undefined;
  readonly csrfToken: string;
  readonly cspNonce: string;
  readonly environmentId: string;
  /** Echoed into the form after an error; passwords are never echoed. */
  readonly values?: { readonly username?: string | undefined; readonly email?: string | undefined };
  /** A link-reached screen (`?view=`), honoured only while the flow offers its action. */
  readonly view?: SignOnView | undefined;
  /** Public origin (and path prefix) of the page; absent, form URLs are root-relative. */
  readonly baseUrl?: string | undefined;
}

export function signOnPageUrl(input: {
  readonly baseUrl?: string | undefined;
  readonly environmentId: string;
  readonly flowId: string;
}): string {
  const base = (input.baseUrl ?? '').replace(/\/+$/, '');
  return `${base}/${encodeURIComponent(input.environmentId)}/signon/?flowId=${encodeURIComponent(input.flowId)}`;
}

function screenFor(ctx: ScreenContext, flow: FlowJson, view: SignOnView | undefined): Screen {
  switch (flow.status) {
    case 'USERNAME_PASSWORD_REQUIRED':
      if (view === 'forgotPassword' && offers(flow, 'password.forgot')) return forgotPasswordScreen(ctx);
      if (view === 'register' && offers(flow, 'user.register')) return registerScreen(ctx, flow);
      return usernamePasswordScreen(ctx, flow);
    case 'PASSWORD_REQUIRED':
      if (view === 'forgotPassword' && offers(flow, 'password.forgot')) return forgotPasswordScreen(ctx);
      return passwordScreen(ctx, flow);
    case 'MUST_CHANGE_PASSWORD':
      return changePasswordScreen(ctx, flow, false);
    case 'PASSWORD_EXPIRED':
      return changePasswordScreen(ctx, flow, true);
    case 'RECOVERY_CODE_REQUIRED':
      return recoveryCodeScreen(ctx, flow);
    case 'VERIFICATION_CODE_REQUIRED':
      return verificationCodeScreen(ctx, flow);
    case 'COMPLETED':
    case 'FAILED':
      return finishedScreen(ctx, flow);
    default:
      return unsupportedScreen(ctx, flow);
  }
}

/**
 * The hosted sign-on page for one flow state: the HTML and the HTTP status to send it with
 * (404 for an expired or unknown flow, 400 when it shows an error, else 200). Serve it with
 * `signOnPageHeaders(contentSecurityPolicy({nonce: input.cspNonce, …}))`.
 */
export function renderSignOnPage(input: SignOnPageInput): { html: string; status: number } {
  const { flow, error } = input;
  if (flow === null || isExpiredFlowError(error)) {
    return { html: page(expiredScreen(), input.cspNonce), status: 404 };
  }
  const view: ErrorView | undefined = error ? errorView(error, flow._embedded?.passwordPolicy) : undefined;
  const ctx: ScreenContext = {
    formUrl: signOnPageUrl({ baseUrl: input.baseUrl, environmentId: input.environmentId, flowId: flow.id }),
    csrfToken: input.csrfToken,
    error: view,
    values: input.values ?? {},
    applicationName: flow.application?.name,
  };
  return { html: page(screenFor(ctx, flow, input.view), input.cspNonce), status: error ? 400 : 200 };
}
