import type { CorsSettings } from './application.js';

/**
 * Which kind of auth-face operation a cross-origin request reaches. PingOne's legacy rule (an
 * application without `corsSettings`) refuses only the sensitive ones: `authorize` (with its
 * `resume`) and `token` (reference §9).
 */
export type CorsOperation = 'authorize' | 'token' | 'other';

/**
 * Whether an application's `corsSettings` let a browser on `origin` call the operation:
 * `ALLOW_NO_ORIGINS` refuses every origin, `ALLOW_SPECIFIC_ORIGINS` accepts the listed ones
 * (a `*.` subdomain wildcard matches one or more labels), and no settings at all is the legacy
 * rule: any origin except on `authorize` and `token`.
 */
export function corsAllows(
  settings: CorsSettings | undefined,
  origin: string,
  operation: CorsOperation,
): boolean {
  if (settings === undefined) return operation === 'other';
  if (settings.behavior === 'ALLOW_NO_ORIGINS') return false;
  const wanted = normalizedOrigin(origin);
  if (wanted === undefined) return false;
  return settings.origins.some((allowed) => originMatches(allowed, wanted));
}

/** `scheme://host[:port]` in lower case, the default port dropped; undefined for `null` and junk. */
function normalizedOrigin(origin: string): string | undefined {
  if (!/^https?:\/\/[^/?#]+$/i.test(origin)) return undefined;
  try {
    const url = new URL(origin);
    return `${url.protocol}//${url.host}`;
  } catch {
    return undefined;
  }
}

function originMatches(allowed: string, wanted: string): boolean {
  const wildcard = /^(https?:\/\/)\*\.(.+)$/i.exec(allowed);
  if (!wildcard) return normalizedOrigin(allowed) === wanted;
  const base = normalizedOrigin(`${wildcard[1]}${wildcard[2]}`);
  if (base === undefined) return false;
  const [scheme, rest] = base.split('//') as [string, string];
  return wanted.startsWith(`${scheme}//`) && wanted.slice(scheme.length + 2).endsWith(`.${rest}`);
}
