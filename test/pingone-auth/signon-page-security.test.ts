import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  contentSecurityPolicy,
  csrfTokenFor,
  escapeHtml,
  html,
  newCspNonce,
  signOnPageHeaders,
  verifyCsrfToken,
} from '../../src/pingone-auth/signon-page/index.js';
import { FLOW_ID } from './signon-page-fixtures.js';

const KEY = randomBytes(32);

describe('sign-on page security helpers', () => {
  it('builds a strict CSP: nonce styles, data: images, forms to self and the redirect origins only', () => {
    assert.equal(
      contentSecurityPolicy({ nonce: 'abc123==' }),
      "default-src 'none'; style-src 'nonce-abc123=='; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    const csp = contentSecurityPolicy({
      nonce: 'n0nce',
      formActionOrigins: [
        'https://app.example.test/cb?x=1',
        'http://127.0.0.1:3000/a',
        'https://app.example.test/other',
      ],
    });
    assert.match(csp, /; form-action 'self' https:\/\/app\.example\.test http:\/\/127\.0\.0\.1:3000; /);
  });

  it('never lets a configured origin or nonce add a directive', () => {
    const csp = contentSecurityPolicy({
      nonce: 'n',
      formActionOrigins: ["https://a.example.test/cb;script-src 'unsafe-inline'"],
    });
    assert.ok(!csp.includes('script-src'));
    assert.throws(
      () => contentSecurityPolicy({ nonce: 'n', formActionOrigins: ['javascript:alert(1)'] }),
      TypeError,
    );
    assert.throws(() => contentSecurityPolicy({ nonce: 'n', formActionOrigins: ['/relative'] }), TypeError);
    assert.throws(() => contentSecurityPolicy({ nonce: "n'; script-src *" }), TypeError);
  });

  it('makes a fresh base64 nonce each time', () => {
    const a = newCspNonce();
    assert.match(a, /^[A-Za-z0-9+/]{22}==$/);
    assert.notEqual(a, newCspNonce());
    contentSecurityPolicy({ nonce: a });
  });

  it('serves the page uncacheable, unframeable and without a referrer', () => {
    assert.deepEqual(signOnPageHeaders('CSP'), {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': 'CSP',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
  });

  it('derives the CSRF token from key, flow and session alone, so any process with the key verifies it', () => {
    const token = csrfTokenFor(KEY, FLOW_ID, 'session-a');
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    // Another process: its own copy of the shared key, no state carried over.
    assert.equal(csrfTokenFor(Buffer.from(KEY), FLOW_ID, 'session-a'), token);
    assert.ok(verifyCsrfToken(Buffer.from(KEY), FLOW_ID, 'session-a', token));
  });

  it('refuses a token from another flow, session or key, and anything that is not the token', () => {
    const token = csrfTokenFor(KEY, FLOW_ID, 'session-a');
    assert.ok(!verifyCsrfToken(KEY, `${FLOW_ID}x`, 'session-a', token));
    assert.ok(!verifyCsrfToken(KEY, FLOW_ID, 'session-b', token));
    assert.ok(!verifyCsrfToken(randomBytes(32), FLOW_ID, 'session-a', token));
    for (const presented of [undefined, '', token.slice(1), `${token}A`, [token], token.toUpperCase()]) {
      assert.ok(!verifyCsrfToken(KEY, FLOW_ID, 'session-a', presented), String(presented));
    }
    // Length prefixes: moving a character between flow id and binding changes the token.
    assert.notEqual(csrfTokenFor(KEY, 'ab', 'c'), csrfTokenFor(KEY, 'a', 'bc'));
  });

  it('refuses a short key and an empty session binding', () => {
    assert.throws(() => csrfTokenFor(randomBytes(16), FLOW_ID, 's'), RangeError);
    assert.throws(() => csrfTokenFor(KEY, FLOW_ID, ''), RangeError);
  });

  it('escapes text and interpolations once, and renders nested markup as is', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const inner = html`<b>${'<i>'}</b>`;
    assert.equal(
      html`<p title="${'"x"'}">${inner}${['<', 1]}${false}${null}${undefined}</p>`.value,
      '<p title="&quot;x&quot;"><b>&lt;i&gt;</b>&lt;1</p>',
    );
  });
});
