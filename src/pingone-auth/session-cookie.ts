import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Session } from '../core/signon/flow.js';
import { connectionSignalOf } from '../http/actor.js';

/** PingOne's SSO session cookie (reference §4.8). */
export const SESSION_COOKIE = 'ST';

/**
 * Cookie attributes. `Path=/{envID}` sends it to `/as/*`, `/flows/*` and `/signon/` of that
 * environment only; `HttpOnly` keeps it from scripts. Behind HTTPS (a `https:` public URL) it is
 * `Secure; SameSite=None` like PingOne's, so a custom sign-on UI on another origin can drive the
 * Flows API with credentials; on plain HTTP (local development, tests on `http://localhost`)
 * browsers refuse `SameSite=None` without `Secure`, so it is `SameSite=Lax`, which still rides on
 * the top-level navigations of a sign-on (authorize redirects, the page's form posts).
 */
function attributes(publicUrl: string, envId: string): string[] {
  const https = publicUrl.startsWith('https:');
  return [
    `Path=/${encodeURIComponent(envId)}`,
    'HttpOnly',
    ...(https ? ['Secure', 'SameSite=None'] : ['SameSite=Lax']),
  ];
}

/** The `Set-Cookie` value for a session: it lives as long as the session (30 days after sign-on). */
export function sessionCookie(publicUrl: string, session: Session, now: number): string {
  const maxAge = Math.max(0, Math.floor((session.expiresAt - now) / 1000));
  return [
    `${SESSION_COOKIE}=${session.id}`,
    `Max-Age=${maxAge}`,
    `Expires=${new Date(session.expiresAt).toUTCString()}`,
    ...attributes(publicUrl, session.environmentId),
  ].join('; ');
}

/** The `Set-Cookie` value that deletes the session cookie (sign-off). */
export function clearedSessionCookie(publicUrl: string, envId: string): string {
  return [
    `${SESSION_COOKIE}=`,
    'Max-Age=0',
    'Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ...attributes(publicUrl, envId),
  ].join('; ');
}

/** Reads one cookie from the request's `Cookie` header(s); undefined when absent or empty. */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() !== name) continue;
    const value = part.slice(index + 1).trim();
    try {
      return value === '' ? undefined : decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The `ST` session id the browser sent, if any. */
export const readSessionCookie = (request: FastifyRequest): string | undefined =>
  readCookie(request, SESSION_COOKIE);

/** Adds a `Set-Cookie` header without dropping ones already set on the reply. */
export function appendSetCookie(reply: FastifyReply, value: string): void {
  const existing = reply.getHeader('set-cookie');
  const list =
    existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
  void reply.header('set-cookie', [...list, value]);
}

/** Sets the session cookie on the reply when a flow result carries a session. */
export function setSessionCookie(
  reply: FastifyReply,
  publicUrl: string,
  session: Session | undefined,
  now: number,
) {
  if (session) appendSetCookie(reply, sessionCookie(publicUrl, session, now));
}

/**
 * What the core records about the request (never a secret): the client address and its user
 * agent; and the connection's signal, so a password check queued for a client that has gone is
 * dropped.
 */
export function signOnContext(request: FastifyRequest) {
  const userAgent = request.headers['user-agent'];
  return {
    sessionId: readSessionCookie(request),
    remoteIp: request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent : undefined,
    connection: connectionSignalOf(request),
  };
}
