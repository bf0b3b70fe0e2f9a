import type { FlowPasswordPolicy, PingOneErrorEnvelope } from './flow-json.js';
import { html, type SafeHtml } from './html.js';
import { unmetRules } from './policy-rules.js';

/** What the page shows for a failed action: a summary (role=alert) and messages next to fields. */
export interface ErrorView {
  readonly title: string;
  readonly items: readonly string[];
  readonly fieldErrors: Readonly<Record<string, string>>;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "try again in N minutes/seconds": minutes are rounded up so the user never comes back too early. */
export function unlockWait(seconds: unknown): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return 'Try again later.';
  if (seconds < 60) return `Try again in ${plural(Math.ceil(seconds), 'second', 'seconds')}.`;
  return `Try again in ${plural(Math.ceil(seconds / 60), 'minute', 'minutes')}.`;
}

/** True for the error of a flow that expired or never existed (the Flows API answers 404 NOT_FOUND). */
export function isExpiredFlowError(error: PingOneErrorEnvelope | undefined): boolean {
  return error?.code === 'NOT_FOUND';
}

export function errorView(error: PingOneErrorEnvelope, policy: FlowPasswordPolicy | undefined): ErrorView {
  const details = error.details ?? [];
  const first = details[0];
  if (first?.code === 'PASSWORD_LOCKED_OUT') {
    return {
      title: 'Your account is locked after too many failed sign-on attempts.',
      items: [unlockWait(first.innerError?.secondsUntilUnlock)],
      fieldErrors: {},
    };
  }
  if (first?.code === 'INVALID_CREDENTIALS') {
    const remaining = first.innerError?.failuresRemaining;
    const items =
      typeof remaining === 'number' && Number.isInteger(remaining) && remaining >= 0
        ? [`${plural(remaining, 'attempt', 'attempts')} left before your account is locked.`]
        : [];
    return { title: 'Incorrect username or password.', items, fieldErrors: {} };
  }
  const unmet = unmetRules(error, policy);
  if (unmet) {
    const target = details.find((d) => d.target)?.target ?? 'newPassword';
    return {
      title: 'Your new password does not meet the requirements:',
      items: unmet,
      fieldErrors: { [target]: 'Choose a password that meets every requirement.' },
    };
  }
  if (first?.code === 'NO_PASSWORD') {
    return {
      title: 'This account has no password yet.',
      items: ['Use “Forgot password?” to set one.'],
      fieldErrors: {},
    };
  }
  const fieldErrors: Record<string, string> = {};
  const items: string[] = [];
  for (const detail of details) {
    const message = detailMessage(detail.code, detail.target, detail.message);
    items.push(message);
    if (detail.target && fieldErrors[detail.target] === undefined) fieldErrors[detail.target] = message;
  }
  if (items.length === 0) items.push(error.message);
  return { title: 'There is a problem:', items, fieldErrors };
}

function detailMessage(code: string, target: string | undefined, message: string): string {
  if (code === 'UNIQUENESS_VIOLATION') {
    if (target === 'username') return 'That username is already taken.';
    if (target === 'email') return 'An account with that email address already exists.';
  }
  return message;
}

export function errorSummary(view: ErrorView | undefined): SafeHtml {
  if (!view) return html``;
  return html`<div class="alert" role="alert" id="error-summary">
    <p class="alert-title">${view.title}</p>
    ${
      view.items.length > 0 &&
      html`<ul>
        ${view.items.map((item) => html`<li>${item}</li>`)}
      </ul>`
    }
  </div>`;
}
