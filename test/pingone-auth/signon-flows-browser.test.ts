// The hosted sign-on page served by Tessera itself, driven by real Chromium: it posts forms to the
// flow service and ends at the flow's resume URL (the resume endpoint itself is the
// authorization server's; its answer is not asserted here).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, type BrowserKit, type RecordedPage } from '../support/browser.js';
import { startTessera, STORES, type TestServer } from '../support/harness.js';
import {
  lastRecoveryCode,
  newEnvironment,
  newSignOnApp,
  newSignOnUser,
  populationWithRules,
  startFlow,
} from './flows-helpers.js';
import { freePort } from '../support/free-port.js';

const NEW_PASSWORD = 'Quartz!River92x';

for (const kind of STORES) {
  describe(`hosted sign-on page in Chromium [${kind}]`, () => {
    let server: TestServer;
    let kit: BrowserKit;
    let base = '';
    before(async () => {
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      server = await startTessera(kind, { env: { TESSERA_PUBLIC_URL: base, TESSERA_TEST_MAILBOX: 'true' } });
      await server.app.server.listen({ port, host: '127.0.0.1' });
      kit = await launchBrowser();
    });
    after(async () => {
      await kit?.close();
      await server?.close();
    });

    async function openFlow(env: string, app: string): Promise<{ page: RecordedPage; flowId: string }> {
      const { flow } = await startFlow(server, env, app);
      const page = await kit.openPage();
      const response = await page.page.goto(`${base}/${env}/signon/?flowId=${flow.id}`);
      assert.equal(response?.status(), 200);
      return { page, flowId: flow.id };
    }

    const resumeOf = (env: string, flowId: string) => `${base}/${env}/as/resume?flowId=${flowId}`;

    async function submit(page: RecordedPage, fields: Record<string, string>): Promise<void> {
      for (const [name, value] of Object.entries(fields))
        await page.page.fill(`input[name="${name}"]`, value);
      await Promise.all([page.page.waitForNavigation(), page.page.click('button.primary')]);
    }

    it('signs on and lands on the resume URL with the ST cookie', async () => {
      const env = await newEnvironment(server);
      const app = await newSignOnApp(server, env);
      const user = await newSignOnUser(server, env);
      const { page, flowId } = await openFlow(env, app);
      await submit(page, { username: user.username, password: 'wrong-password' });
      assert.match((await page.page.textContent('[role=alert]')) ?? '', /Incorrect username or password/);
      assert.equal(await page.page.inputValue('input[name="username"]'), user.username);
      await submit(page, { password: user.password });
      assert.equal(page.page.url(), resumeOf(env, flowId));
      const cookies = await page.context.cookies(`${base}/${env}/flows`);
      const st = cookies.find((c) => c.name === 'ST');
      assert.ok(st, 'the session cookie is set');
      assert.equal(st.path, `/${env}`);
      assert.equal(st.httpOnly, true);
      assert.equal((await server.services.flows.get(env, flowId)).status, 'COMPLETED');
      assert.deepEqual(page.offMachine(), []);
      await page.close();
    });

    it('forced change: the change-password screen, then the resume URL', async () => {
      const env = await newEnvironment(server);
      const app = await newSignOnApp(server, env);
      const user = await newSignOnUser(server, env, { forceChange: true });
      const { page, flowId } = await openFlow(env, app);
      await submit(page, { username: user.username, password: user.password });
      assert.ok(await page.page.$('input[name="newPassword"]'), 'the change-password screen');
      await submit(page, { currentPassword: user.password, newPassword: 'short', confirmPassword: 'short' });
      assert.match((await page.page.textContent('[role=alert]')) ?? '', /does not meet the requirements/);
      await submit(page, {
        currentPassword: user.password,
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      });
      assert.equal(page.page.url(), resumeOf(env, flowId));
      await page.close();
    });

    it('recovers a password with the emailed code', async () => {
      const env = await newEnvironment(server);
      const app = await newSignOnApp(server, env);
      const user = await newSignOnUser(server, env);
      const { page, flowId } = await openFlow(env, app);
      await Promise.all([page.page.waitForNavigation(), page.page.click('text=Forgot password?')]);
      await submit(page, { username: user.username });
      assert.ok(await page.page.$('input[name="recoveryCode"]'), 'the recovery-code screen');
      const code = await lastRecoveryCode(server, env);
      await submit(page, {
        recoveryCode: code.toLowerCase(),
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      });
      assert.equal(page.page.url(), resumeOf(env, flowId));
      await page.close();
    });

    it('shows the lockout and the wait', async () => {
      const env = await newEnvironment(server);
      const app = await newSignOnApp(server, env);
      const population = await populationWithRules(server, env, {
        lockout: { failureCount: 2, durationSeconds: 300 },
      });
      const user = await newSignOnUser(server, env, { populationId: population });
      const { page } = await openFlow(env, app);
      await submit(page, { username: user.username, password: 'wrong-1' });
      assert.match((await page.page.textContent('[role=alert]')) ?? '', /1 attempt left/);
      await submit(page, { password: 'wrong-2' });
      await submit(page, { password: user.password });
      const alert = (await page.page.textContent('[role=alert]')) ?? '';
      assert.match(alert, /locked/);
      assert.match(alert, /Try again in 5 minutes/);
      await page.close();
    });
  });
}
