import type { FlowJson } from './flow-json.js';
import { html, httpUrl } from './html.js';
import { heading, links, switchAccount, withApp, type Screen, type ScreenContext } from './layout.js';

/**
 * COMPLETED and FAILED both send the browser to `resumeUrl` (the authorization server then
 * answers the application). The meta refresh needs no JavaScript; the GET form is the fallback
 * when a browser ignores refreshes, and it carries the resume URL's query as hidden fields
 * because a GET form replaces the action's query string.
 */
export function finishedScreen(ctx: ScreenContext, flow: FlowJson): Screen {
  const completed = flow.status === 'COMPLETED';
  const title = completed ? 'You are signed on' : 'Sign-on could not be completed';
  const resume = httpUrl(flow.resumeUrl);
  const lead = completed
    ? withApp(ctx, 'Taking you back', 'to')
    : 'Taking you back to your application, which will tell you what happened.';
  if (!resume) {
    return { title, body: html`${heading(ctx, title, 'Return to your application to continue.')}` };
  }
  const action = `${resume.origin}${resume.pathname}`;
  return {
    title,
    refreshTo: resume.href,
    body: html`${heading(ctx, title, `${lead}…`)}
      <form method="get" action="${action}">
        ${[...resume.searchParams].map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`)}
        <button type="submit" class="primary">Continue</button>
      </form>`,
  };
}

/** A flow that expired (15 minutes idle) or never existed: nothing to post, only a way out. */
export function expiredScreen(): Screen {
  const title = 'This sign-on has expired';
  return {
    title,
    body: html`<h1>${title}</h1>
      <p class="lead">
        For your security, sign-on pages expire after a few minutes. Start again from your application.
      </p>`,
  };
}

/** A status this page has no screen for (MFA, external identity providers…). */
export function unsupportedScreen(ctx: ScreenContext, flow: FlowJson): Screen {
  const title = 'This sign-on step is not available here';
  return {
    title,
    body: html`${heading(ctx, title, 'Start again from your application, or sign on with another account.')}
    ${links([switchAccount(ctx, flow)])}`,
  };
}
