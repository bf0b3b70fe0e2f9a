import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthorizeError, AuthorizeErrorTarget } from '../../core/oauth/authorize-request.js';
import type { ResponseMode } from '../../core/signon/flow.js';
import { escapeHtml } from '../signon-page/index.js';

/** Parameters of an authorization response (RFC 6749 §4.1.2, OIDC Core §3.2.2.5, §3.3.2.5). */
export type AuthorizeParams = Readonly<Record<string, string | undefined>>;

const defined = (params: AuthorizeParams): [string, string][] =>
  Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);

/** Whether the caller wants JSON rather than pages: pi.flow, or Ping's SDK header (§4.7). */
export function wantsJson(request: FastifyRequest, responseMode: string | undefined): boolean {
  return responseMode === 'pi.flow' || request.headers['x-requested-with'] === 'ping-sdk';
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;
}

const pageHeaders = (csp: string) => ({
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': csp,
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
});

/**
 * An error that cannot go back to the client (unknown client, unregistered redirect_uri): a
 * small page for a browser, JSON for pi.flow / ping-sdk callers. Never a redirect (RFC 6749
 * §4.1.2.1: an unverified redirect_uri would make this an open redirector).
 */
export function sendLocalError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: AuthorizeError,
  json: boolean,
) {
  if (json) {
    return reply
      .status(400)
      .header('cache-control', 'no-store')
      .send({ error: error.error, error_description: error.description });
  }
  return sendErrorPage(reply, 400, error.description, error.error);
}

/** The small error page of the browser endpoints (authorize, resume, signoff, hosted page). */
export function sendErrorPage(reply: FastifyReply, status: number, description: string, code: string) {
  const body = `<main><h1>Sign-on cannot continue</h1><p>${escapeHtml(description)}</p><p><code>${escapeHtml(code)}</code></p></main>`;
  return reply
    .status(status)
    .headers(pageHeaders("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"))
    .send(page('Sign-on error', body));
}

/**
 * An authorization response (success or error) delivered to the client's redirect_uri in the
 * response mode: `query`/`fragment` 302, `form_post` an auto-submitting form (OAuth 2.0 Form Post
 * Response Mode) whose only script is nonce'd, with a button for browsers without JavaScript.
 * `pi.flow` answers JSON with `authorizeResponse` (the caller merges in the flow).
 */
export function sendAuthorizeResponse(
  reply: FastifyReply,
  target: { readonly redirectUri: string | undefined; readonly responseMode: ResponseMode },
  params: AuthorizeParams,
  extra: { readonly json?: Record<string, unknown>; readonly status?: number } = {},
) {
  const entries = defined(params);
  void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
  if (target.responseMode === 'pi.flow' || target.redirectUri === undefined) {
    return reply
      .status(extra.status ?? 200)
      .send({ ...(extra.json ?? {}), authorizeResponse: Object.fromEntries(entries) });
  }
  if (target.responseMode === 'form_post') {
    const nonce = randomBytes(16).toString('base64');
    const inputs = entries
      .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
      .join('');
    const body =
      `<form method="post" action="${escapeHtml(target.redirectUri)}">${inputs}` +
      `<noscript><p>JavaScript is off: continue to the application.</p></noscript>` +
      `<button type="submit">Continue</button></form>` +
      `<script nonce="${nonce}">document.forms[0].submit()</script>`;
    const formOrigin = new URL(target.redirectUri).origin;
    const csp = `default-src 'none'; script-src 'nonce-${nonce}'; form-action ${formOrigin}; frame-ancestors 'none'; base-uri 'none'`;
    return reply.status(200).headers(pageHeaders(csp)).send(page('Continue', body));
  }
  const url = new URL(target.redirectUri);
  if (target.responseMode === 'fragment') {
    url.hash = new URLSearchParams(entries).toString();
  } else {
    for (const [name, value] of entries) url.searchParams.append(name, value);
  }
  return reply.status(302).header('location', url.toString()).send();
}

/** An OAuth error for the client, in the response mode (RFC 6749 §4.1.2.1). */
export function sendErrorToClient(
  reply: FastifyReply,
  target: AuthorizeErrorTarget,
  error: string,
  description: string,
) {
  return sendAuthorizeResponse(
    reply,
    target,
    { error, error_description: description, state: target.state },
    {
      status: target.responseMode === 'pi.flow' ? 400 : 200,
      json: { error, error_description: description },
    },
  );
}
