// Sign-on in real Chromium against a listening Tessera at http://localhost:<port>: a SPA on
// another origin (http://127.0.0.1:<port>) runs code + PKCE through CORS, and a web app's
// redirect URI (a test-local server) receives a code that openid-client redeems.
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { launchBrowser, type BrowserKit, type RecordedPage } from '../support/browser.js';
import { startTessera, STORES, type TestServer } from '../support/harness.js';
import { newOidcApp, pkceAuthorization } from './as-helpers.js';
import { newEnvironment, newSignOnUser } from './flows-helpers.js';
import { startSpa } from './spa-fixture.js';
import { freePort } from '../support/free-port.js';

const close = (server: Server | undefined) =>
  new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));

/** Fills the hosted sign-on page and submits it. */
async function signOnThroughPage(page: RecordedPage, user: { username: string; password: string }) {
  await page.page.waitForSelector('input[name="username"]');
  await page.page.getByLabel('Username').fill(user.username);
  await page.page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.page.getByRole('button', { name: 'Sign on' }).click();
}

for (const kind of STORES) {
  describe(`sign-on from apps in Chromium [${kind}]`, () => {
    let server: TestServer;
    let kit: BrowserKit;
    let base = '';
    before(async () => {
      const port = await freePort();
      base = `http://localhost:${port}`;
      server = await startTessera(kind, { env: { TESSERA_PUBLIC_URL: base } });
      await server.app.server.listen({ port, host: '127.0.0.1' });
      kit = await launchBrowser();
    });
    after(async () => {
      await kit?.close();
      await server?.close();
    });

    it('refused input on the authorize endpoint shows the sign-on error page, loading nothing', async () => {
      const env = await newEnvironment(server);
      const page = await kit.openPage();
      const response = await page.page.goto(`${base}/${env}/as/authorize?client_id=${'x'.repeat(9000)}`);
      assert.equal(response?.status(), 400);
      assert.equal(await page.page.textContent('h1'), 'Sign-on cannot continue');
      assert.equal(await page.page.textContent('code'), 'invalid_request');
      assert.deepEqual(page.offMachine(), []);
      await page.close();
    });

    it('a SPA on another origin signs on with code + PKCE, refreshes and signs off through CORS', async () => {
      const env = await newEnvironment(server);
      const user = await newSignOnUser(server, env, {
        extra: { name: { given: 'Grace', family: 'Hopper' } },
      });
      let appId = '';
      const spa = await startSpa((origin) => ({
        issuer: `${base}/${env}/as`,
        clientId: appId,
        redirectUri: `${origin}/callback`,
        postLogoutRedirectUri: `${origin}/logged-out`,
      }));
      try {
        const app = await newOidcApp(server, env, {
          type: 'SINGLE_PAGE_APP',
          tokenEndpointAuthMethod: 'NONE',
          pkceEnforcement: 'S256_REQUIRED',
          redirectUris: [`${spa.origin}/callback`],
          postLogoutRedirectUris: [`${spa.origin}/logged-out`],
          corsSettings: { behavior: 'ALLOW_SPECIFIC_ORIGINS', origins: [spa.origin] },
        });
        appId = app.id;
        const page = await kit.openPage();
        await page.page.goto(`${spa.origin}/`);
        await page.page.waitForURL(`${base}/${env}/signon/**`);
        await signOnThroughPage(page, user);
        await page.page.waitForURL(`${spa.origin}/callback?**`);
        await page.page.waitForSelector('li[data-step="done"], li[data-step="error"]');
        const steps = Object.fromEntries(
          await page.page.$$eval('li[data-step]', (items) =>
            items.map((i) => [i.getAttribute('data-step'), JSON.parse(i.textContent ?? 'null')]),
          ),
        );
        assert.equal(steps.error, undefined, JSON.stringify(steps.error));
        assert.equal(steps.token.status, 200);
        const idToken = decodeJwt(steps.token.tokens.id_token);
        assert.equal(idToken.sub, user.id);
        assert.equal(idToken.aud, app.id);
        assert.equal(idToken.nonce, steps.token.nonce);
        assert.equal(steps.userinfo.status, 200);
        assert.equal(steps.userinfo.claims.sub, user.id);
        assert.equal(steps.userinfo.claims.given_name, 'Grace');
        assert.deepEqual(steps.refresh, { status: 200, rotated: true });
        assert.equal(steps['userinfo-after-refresh'].status, 200);

        // A fetch for an application that does not list this origin is blocked by the browser.
        const legacy = await newOidcApp(server, env, {
          type: 'SINGLE_PAGE_APP',
          tokenEndpointAuthMethod: 'NONE',
        });
        const blocked = await page.page.evaluate(
          async ([url, clientId]) =>
            fetch(url!, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams({
                grant_type: 'refresh_token',
                refresh_token: 'x',
                client_id: clientId!,
              }),
            }).then(
              (r) => `read ${r.status}`,
              (e: unknown) => `blocked: ${String(e)}`,
            ),
          [`${base}/${env}/as/token`, legacy.id],
        );
        assert.match(blocked, /^blocked: TypeError/);

        assert.equal(
          (await server.request('GET', `/v1/environments/${env}/users/${user.id}/sessions`)).body.count,
          1,
        );
        await page.page.click('#signoff');
        await page.page.waitForURL(`${spa.origin}/logged-out`);
        const sessions = await server.request('GET', `/v1/environments/${env}/users/${user.id}/sessions`);
        assert.equal(sessions.body.count ?? sessions.body._embedded?.sessions?.length, 0, sessions.text);
        assert.deepEqual(page.offMachine(), []);
        await page.close();
      } finally {
        await close(spa.server);
      }
    });
    it('a web app: authorize in Chromium, back on its redirect URI with a code that openid-client redeems', async () => {
      const env = await newEnvironment(server);
      const user = await newSignOnUser(server, env, {
        extra: { name: { given: 'Ada', family: 'Lovelace' }, nickname: 'ada' },
      });
      const web = createHttpServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<h1>Web app</h1>');
      });
      await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
      try {
        const redirect = `http://127.0.0.1:${(web.address() as AddressInfo).port}/callback`;
        const app = await newOidcApp(server, env, { redirectUris: [redirect] });
        const config = await client.discovery(
          new URL(`${base}/${env}/as`),
          app.id,
          undefined,
          client.ClientSecretBasic(app.secret),
          { execute: [client.allowInsecureRequests] },
        );
        client.enableNonRepudiationChecks(config);
        const { url, checks } = await pkceAuthorization(config, {
          redirect,
          scope: 'openid profile email',
          state: true,
          nonce: true,
        });

        const page = await kit.openPage();
        await page.page.goto(url.href);
        await page.page.waitForURL(`${base}/${env}/signon/**`);
        await signOnThroughPage(page, user);
        await page.page.waitForURL(`${redirect}?**`);
        assert.equal(await page.page.textContent('h1'), 'Web app');

        const tokens = await client.authorizationCodeGrant(config, new URL(page.page.url()), {
          ...checks,
          idTokenExpected: true,
        });
        const claims = tokens.claims()!;
        assert.equal(claims.sub, user.id);
        assert.equal(claims.aud, app.id);
        assert.equal(claims.iss, `${base}/${env}/as`);
        const info = await client.fetchUserInfo(config, tokens.access_token, user.id);
        assert.equal(info.given_name, 'Ada');
        assert.equal(info.family_name, 'Lovelace');
        assert.equal(info.email, `${user.username}@example.com`);
        assert.equal(info.preferred_username, user.username);
        assert.deepEqual(page.offMachine(), []);
        await page.close();
      } finally {
        await close(web);
      }
    });
  });
}
