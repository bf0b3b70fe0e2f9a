import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The hidden form field that carries the CSRF token. */
export const CSRF_FIELD = 'csrfToken';

/** A fresh nonce per response, for `style-src 'nonce-…'` and the page's one `<style>`. */
export function newCspNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * Origins a form on the page may end up at: the sign-on page itself ('self') and, after
 * COMPLETED/FAILED, the client's redirect URIs, because Chromium applies `form-action` to every
 * redirect that follows a form submission (the resume endpoint redirects to the application).
 * Each value is reduced to its origin, so nothing from configuration can add a directive.
 */
function origins(urls: readonly string[]): string[] {
  const out = new Set<string>();
  for (const value of urls) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new TypeError(`not an absolute URL for form-action: ${value}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new TypeError(`form-action allows only http(s) origins: ${value}`);
    }
    out.add(url.origin);
  }
  return [...out];
}

/**
 * The page's Content-Security-Policy: nothing may load or run except the nonce'd stylesheet and
 * `data:` images (the favicon placeholder); no scripts at all, no framing (clickjacking), no
 * `<base>` rewriting, and forms may post only to this server and the allowed redirect origins.
 */
export function contentSecurityPolicy(options: {
  readonly nonce: string;
  readonly formActionOrigins?: readonly string[];
}): string {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(options.nonce)) throw new TypeError('CSP nonce must be base64');
  const formAction = ["'self'", ...origins(options.formActionOrigins ?? [])].join(' ');
  return [
    "default-src 'none'",
    `style-src 'nonce-${options.nonce}'`,
    'img-src data:',
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** Every header the sign-on page is served with (the body is HTML that must never be cached). */
export function signOnPageHeaders(csp: string): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': csp,
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
}

const CSRF_LABEL = 'tessera signon csrf v1';
const MIN_KEY_BYTES = 32;

/**
 * CSRF protection for the page's forms, a signed double-submit bound to the flow: the token is
 * HMAC-SHA256(key, flowId, sessionBinding), where `sessionBinding` is a value the browser sends
 * back on its own but another site cannot read (the flow's anonymous session cookie). A forged
 * cross-site POST carries the victim's cookie but cannot carry a matching token: computing it
 * needs the key, and reading it off the page is what the same-origin policy and `frame-ancestors`
 * deny the attacker. A token for one flow or one session is useless for another; an empty binding
 * is refused, since the flow id alone travels in URLs.
 *
 * Nothing is stored per token: any process that holds the key (shared configuration or store
 * material, like the token-signing keys) computes the same token and verifies it, so a form
 * rendered by one process can be posted to another behind the same load balancer.
 */
export function csrfTokenFor(key: Uint8Array, flowId: string, sessionBinding: string): string {
  if (key.byteLength < MIN_KEY_BYTES) throw new RangeError(`CSRF key needs at least ${MIN_KEY_BYTES} bytes`);
  if (sessionBinding === '') throw new RangeError('CSRF token needs a session binding');
  const mac = createHmac('sha256', key);
  // Length prefixes keep ("ab", "c") and ("a", "bc") from producing the same MAC input.
  for (const part of [CSRF_LABEL, flowId, sessionBinding]) {
    const bytes = Buffer.from(part, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.byteLength);
    mac.update(length).update(bytes);
  }
  return mac.digest('base64url');
}

/** Constant-time check of a posted token; any non-string or wrong-length value is simply false. */
export function verifyCsrfToken(
  key: Uint8Array,
  flowId: string,
  sessionBinding: string,
  presented: unknown,
): boolean {
  if (typeof presented !== 'string') return false;
  const expected = Buffer.from(csrfTokenFor(key, flowId, sessionBinding), 'utf8');
  const actual = Buffer.from(presented, 'utf8');
  // timingSafeEqual needs equal lengths; the length of a valid token is public anyway.
  return actual.byteLength === expected.byteLength && timingSafeEqual(actual, expected);
}
