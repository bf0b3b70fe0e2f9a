import type { ErrorView } from './error-view.js';
import { errorSummary } from './error-view.js';
import { offers, type FlowJson, type PageAction } from './flow-json.js';
import { html, SafeHtml, type HtmlValue } from './html.js';
import type { RuleText } from './policy-rules.js';
import { CSRF_FIELD } from './security.js';
import { SIGNON_CSS } from './styles.js';

/** What every screen needs to draw its forms. */
export interface ScreenContext {
  /** `{base}/{envID}/signon/?flowId={id}`: every form posts here, every view link starts here. */
  readonly formUrl: string;
  readonly csrfToken: string;
  readonly error: ErrorView | undefined;
  readonly values: { readonly username?: string | undefined; readonly email?: string | undefined };
  readonly applicationName: string | undefined;
}

export interface Screen {
  readonly title: string;
  readonly body: SafeHtml;
  /** Navigate here at once without JavaScript (`<meta http-equiv=refresh>`). */
  readonly refreshTo?: string;
}

export function page(screen: Screen, nonce: string): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        ${screen.refreshTo !== undefined && html`<meta http-equiv="refresh" content="0;url=${screen.refreshTo}" />`}
        <title>${screen.title}</title>
        <link rel="icon" href="data:," />
        <style nonce="${nonce}">
          ${new SafeHtml(SIGNON_CSS)}
        </style>
      </head>
      <body>
        <main>
          <div class="card">${screen.body}</div>
        </main>
      </body>
    </html> `.value;
}

export interface FieldSpec {
  readonly name: string;
  readonly label: string;
  readonly type: 'text' | 'password' | 'email';
  readonly autocomplete: string;
  readonly value?: string | undefined;
  readonly readonly?: boolean;
  readonly autofocus?: boolean;
  /** Id of an element that explains the field (the policy rules). */
  readonly describedBy?: string;
}

export function field(ctx: ScreenContext, spec: FieldSpec): SafeHtml {
  const error = ctx.error?.fieldErrors[spec.name];
  const errorId = `${spec.name}-error`;
  const describedBy = [error !== undefined ? errorId : undefined, spec.describedBy].filter(Boolean).join(' ');
  const isText = spec.type !== 'password';
  const input = attributes({
    id: spec.name,
    name: spec.name,
    type: spec.type,
    autocomplete: spec.autocomplete,
    value: spec.value,
    autocapitalize: isText && 'none',
    spellcheck: isText && 'false',
    readonly: spec.readonly === true,
    required: spec.readonly !== true,
    autofocus: spec.autofocus === true,
    'aria-invalid': error !== undefined && 'true',
    'aria-describedby': describedBy !== '' && describedBy,
  });
  return html`<div class="field">
    <label for="${spec.name}">${spec.label}</label>
    <input ${input} />
    ${error !== undefined && html`<p class="field-error" id="${errorId}">${error}</p>`}
  </div>`;
}

/** ` name="value"` pairs; `true` writes a bare boolean attribute, `false`/undefined leave it out. */
function attributes(list: Readonly<Record<string, string | boolean | undefined>>): SafeHtml {
  return html`${Object.entries(list).map(([name, value]) =>
    value === true ? html` ${name}` : typeof value === 'string' ? html` ${name}="${value}"` : '',
  )}`;
}

/** The two hidden fields every POST carries: the Flows API action and the CSRF token. */
function hidden(ctx: ScreenContext, action: PageAction): SafeHtml {
  return html`<input type="hidden" name="action" value="${action}" />
    <input type="hidden" name="${CSRF_FIELD}" value="${ctx.csrfToken}" />`;
}

export function postForm(
  ctx: ScreenContext,
  action: PageAction,
  content: HtmlValue,
  submit: { label: string; style: 'primary' | 'secondary' | 'link-button' },
): SafeHtml {
  return html`<form method="post" action="${ctx.formUrl}">
    ${hidden(ctx, action)} ${content}
    <button type="submit" class="${submit.style}">${submit.label}</button>
  </form>`;
}

export function heading(ctx: ScreenContext, text: string, lead?: HtmlValue): SafeHtml {
  return html`<h1>${text}</h1>
    ${lead !== undefined && html`<p class="lead">${lead}</p>`} ${errorSummary(ctx.error)}`;
}

export function rulesList(rules: readonly RuleText[], intro: string): SafeHtml {
  if (rules.length === 0) return html``;
  return html`<div class="rules" id="password-rules">
    <p>${intro}</p>
    <ul>
      ${rules.map((r) => html`<li>${r.text}</li>`)}
    </ul>
  </div>`;
}

/** `Sign on to My App`, or just `Sign on` when the application is unknown. */
export function withApp(ctx: ScreenContext, text: string, joiner = 'to'): string {
  return ctx.applicationName ? `${text} ${joiner} ${ctx.applicationName}` : text;
}

export function links(items: readonly HtmlValue[]): SafeHtml {
  const shown = items.filter((i) => i !== false && i !== null && i !== undefined);
  if (shown.length === 0) return html``;
  return html`<ul class="links">
    ${shown.map((i) => html`<li>${i}</li>`)}
  </ul>`;
}

/** "Use another account": a POST (it resets the flow), drawn as a link; only when the flow offers it. */
export function switchAccount(ctx: ScreenContext, flow: FlowJson): SafeHtml | false {
  return (
    offers(flow, 'session.reset') &&
    postForm(ctx, 'session.reset', '', { label: 'Use another account', style: 'link-button' })
  );
}
