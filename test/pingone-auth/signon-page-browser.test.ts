// The hosted sign-on page in real Chromium: served by a throwaway node:http server (test
// scaffolding standing in for the route the lead wires later), with its real headers.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  contentSecurityPolicy,
  csrfTokenFor,
  newCspNonce,
  parseSignOnForm,
  renderSignOnPage,
  signOnPageHeaders,
  verifyCsrfToken,
  type FlowJson,
  type PingOneErrorEnvelope,
} from '../../src/pingone-auth/signon-page/index.js';
import { isLocalUrl, launchBrowser, PHONE, type BrowserKit, type RecordedPage } from '../support/browser.js';
import { ENV, SIGN_ON_RELS, STANDARD, flow } from './signon-page-fixtures.js';

const KEY = randomBytes(32);
const SIGNON = '0190aaaa-0000-7000-8000-000000000001';
const CHANGE = '0190aaaa-0000-7000-8000-000000000002';

interface Posted {
  flowId: string;
  contentType: string | undefined;
  body: Record<string, string | string[]>;
  csrfValid: boolean;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function formObject(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(text)) {
    const seen = out[name];
    out[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return out;
}

/** A stand-in for the sign-on route: flows in memory, session cookie as the CSRF binding. */
function startPageServer(posted: Posted[]): Promise<{ server: Server; base: string }> {
  const flows = new Map<string, FlowJson>();
  const page = (
    response: ServerResponse,
    session: string,
    current: FlowJson | null,
    extra: { error?: PingOneErrorEnvelope; values?: { username?: string }; inject?: string } = {},
  ) => {
    const nonce = newCspNonce();
    const csrfToken = current ? csrfTokenFor(KEY, current.id, session) : '';
    const out = renderSignOnPage({ flow: current, csrfToken, cspNonce: nonce, environmentId: ENV, ...extra });
    response
      .writeHead(out.status, {
        ...signOnPageHeaders(contentSecurityPolicy({ nonce })),
        'set-cookie': `ST=${session}; Path=/${ENV}; HttpOnly; SameSite=Lax`,
      })
      .end(out.html.replace('</head>', `${extra.inject ?? ''}</head>`));
  };
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const session =
        /(?:^|; )ST=([^;]+)/.exec(request.headers.cookie ?? '')?.[1] ?? randomBytes(16).toString('hex');
      if (url.pathname === '/as/resume') {
        response
          .writeHead(200, { 'content-type': 'text/plain' })
          .end(`resumed ${url.searchParams.get('flowId')}`);
        return;
      }
      const flowId = url.searchParams.get('flowId') ?? '';
      if (url.pathname === `/${ENV}/probe`) {
        // A style without the nonce, as an injection would add it: the CSP must refuse it.
        page(response, session, flows.get(SIGNON)!, {
          inject: '<style>body{background:rgb(255,0,0)}</style>',
        });
        return;
      }
      if (url.pathname !== `/${ENV}/signon/`) {
        response.writeHead(404).end();
        return;
      }
      const current = flows.get(flowId) ?? null;
      if (request.method === 'GET') return page(response, session, current);
      const body = formObject(await readBody(request));
      const csrfValid = verifyCsrfToken(KEY, flowId, session, body.csrfToken);
      posted.push({ flowId, contentType: request.headers['content-type'], body, csrfValid });
      if (!csrfValid || !current) return void response.writeHead(403).end();
      const form = parseSignOnForm(body);
      if (!form.ok) return page(response, session, current, { error: form.error, values: form.values });
      if (form.fields.password === 'right-password') {
        const done = flow('COMPLETED', [], { id: flowId, resumeUrl: `${base}/as/resume?flowId=${flowId}` });
        flows.set(flowId, done);
        return page(response, session, done);
      }
      page(response, session, current, {
        values: form.values,
        error: {
          code: 'INVALID_DATA',
          message: 'Invalid username and/or password',
          details: [{ code: 'INVALID_CREDENTIALS', message: 'x', innerError: { failuresRemaining: 4 } }],
        },
      });
    })();
  });
  let base = '';
  flows.set(SIGNON, flow('USERNAME_PASSWORD_REQUIRED', SIGN_ON_RELS, { id: SIGNON }));
  flows.set(
    CHANGE,
    flow('MUST_CHANGE_PASSWORD', ['password.reset', 'session.reset'], {
      id: CHANGE,
      _embedded: { passwordPolicy: STANDARD, user: { id: 'u1', username: 'alice' } },
    }),
  );
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({ server, base });
    });
  });
}

// Page-side code as strings: the test project has no DOM types.
const styleOf = async (p: RecordedPage, selector: string, property: string): Promise<string> =>
  String(
    await p.page.evaluate(
      `getComputedStyle(document.querySelector(${JSON.stringify(selector)})).getPropertyValue(${JSON.stringify(property)})`,
    ),
  );

async function screenshot(p: RecordedPage, name: string) {
  const dir = process.env.TESSERA_SCREENSHOT_DIR;
  if (dir) await p.page.screenshot({ path: join(dir, `signon-${name}.png`), fullPage: true });
}

describe('sign-on page in Chromium', () => {
  let kit: BrowserKit;
  let server: Server;
  let base = '';
  const posted: Posted[] = [];

  before(async () => {
    ({ server, base } = await startPageServer(posted));
    kit = await launchBrowser();
  });
  after(async () => {
    await kit?.close();
    server?.close();
  });

  it('shows the sign-on screen on a phone, styled under the CSP, with inputs found by their labels', async () => {
    const p = await kit.openPage(PHONE);
    try {
      const response = await p.page.goto(`${base}/${ENV}/signon/?flowId=${SIGNON}`);
      assert.ok(response);
      assert.equal(response.status(), 200);
      assert.match(response.headers()['content-security-policy']!, /^default-src 'none'; style-src 'nonce-/);
      await p.page.getByLabel('Username').fill('alice');
      await p.page.getByLabel('Password', { exact: true }).fill('secret');
      assert.equal(await p.page.getByRole('heading', { level: 1 }).textContent(), 'Sign on to Acme Portal');
      assert.ok(await p.page.getByRole('link', { name: 'Forgot password?' }).isVisible());
      // The nonce'd stylesheet applied: the phone layout's white background and the blue button.
      assert.equal(await styleOf(p, 'body', 'background-color'), 'rgb(255, 255, 255)');
      assert.equal(await styleOf(p, 'button.primary', 'background-color'), 'rgb(29, 78, 216)');
      const width = Number(await p.page.evaluate('document.documentElement.scrollWidth'));
      assert.ok(width <= 390, `page is ${width}px wide on a 390px phone`);
      await screenshot(p, 'phone');
      assert.deepEqual(p.console, [], 'no console messages (CSP violations show up here)');
      assert.deepEqual(p.offMachine(), []);
    } finally {
      await p.close();
    }
  });

  it('shows the must-change screen on a phone with its labelled fields and the policy rules', async () => {
    const p = await kit.openPage(PHONE);
    try {
      await p.page.goto(`${base}/${ENV}/signon/?flowId=${CHANGE}`);
      for (const label of ['Current password', 'New password', 'Confirm new password']) {
        assert.equal(await p.page.getByLabel(label, { exact: true }).getAttribute('type'), 'password');
      }
      assert.ok(await p.page.getByText('Between 8 and 255 characters long').isVisible());
      // The username rides along for password managers only.
      assert.ok(await p.page.locator('input[autocomplete=username]').isHidden());
      assert.equal(await styleOf(p, '.rules', 'background-color'), 'rgb(245, 247, 250)');
      await screenshot(p, 'must-change');
      assert.deepEqual(p.console, []);
      assert.deepEqual(p.offMachine(), []);
    } finally {
      await p.close();
    }
  });

  it('enforces the CSP: a style without the nonce is refused and reported', async () => {
    const p = await kit.openPage({ viewport: { width: 1024, height: 768 } });
    try {
      await p.page.goto(`${base}/${ENV}/probe`);
      assert.equal(await styleOf(p, 'body', 'background-color'), 'rgb(238, 241, 245)');
      assert.ok(
        p.console.some((m) => m.type === 'error' && /Content Security Policy/.test(m.text)),
        `no CSP violation reported: ${JSON.stringify(p.console)}`,
      );
      await screenshot(p, 'desktop');
    } finally {
      await p.close();
    }
  });

  it('signs on with JavaScript off: real form POSTs carrying the CSRF token, then the resume redirect', async () => {
    const p = await kit.openPage({ ...PHONE, javaScriptEnabled: false });
    try {
      await p.page.goto(`${base}/${ENV}/signon/?flowId=${SIGNON}`);
      await p.page.getByLabel('Username').fill('alice');
      await p.page.getByLabel('Password', { exact: true }).fill('wrong-password');
      await p.page.getByRole('button', { name: 'Sign on' }).click();
      await p.page.getByRole('alert').waitFor();
      assert.match((await p.page.getByRole('alert').textContent())!, /Incorrect username or password/);
      await screenshot(p, 'error');
      assert.equal(await p.page.getByLabel('Username').inputValue(), 'alice');
      assert.equal(await p.page.getByLabel('Password', { exact: true }).inputValue(), '');

      await p.page.getByLabel('Password', { exact: true }).fill('right-password');
      await p.page.getByRole('button', { name: 'Sign on' }).click();
      await p.page.waitForURL(`${base}/as/resume?flowId=${SIGNON}`);
      assert.equal(await p.page.textContent('body'), `resumed ${SIGNON}`);

      assert.deepEqual(
        posted.map((x) => [x.flowId, x.contentType, x.body.action, x.body.username, x.csrfValid]),
        [
          [SIGNON, 'application/x-www-form-urlencoded', 'usernamePassword.check', 'alice', true],
          [SIGNON, 'application/x-www-form-urlencoded', 'usernamePassword.check', 'alice', true],
        ],
      );
      const navigations = p.requests
        .filter((r) => r.isNavigation)
        .map((r) => [r.method, new URL(r.url).pathname]);
      assert.deepEqual(navigations, [
        ['GET', `/${ENV}/signon/`],
        ['POST', `/${ENV}/signon/`],
        ['POST', `/${ENV}/signon/`],
        ['GET', '/as/resume'],
      ]);
      assert.deepEqual(p.offMachine(), []);
    } finally {
      await p.close();
    }
  });

  it('tells loopback from the outside world, and fails fast without Chromium', async () => {
    for (const url of [
      'http://127.0.0.1:1/x',
      'http://localhost/',
      'http://[::1]:8080/',
      'data:,',
      'about:blank',
    ]) {
      assert.ok(isLocalUrl(url), url);
    }
    for (const url of [
      'https://example.com/',
      'http://10.0.0.1/',
      'http://127.0.0.1.example.com/',
      'nonsense',
    ]) {
      assert.ok(!isLocalUrl(url), url);
    }
    await assert.rejects(
      launchBrowser('/nonexistent/chromium'),
      /Chromium is not installed at \/nonexistent\/chromium/,
    );
  });
});
