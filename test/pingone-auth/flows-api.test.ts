import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeStores, type TestServer } from '../support/harness.js';
import { travel } from '../pingone/password-helpers.js';
import {
  flowsApi,
  lastRecoveryCode,
  newEnvironment,
  newSignOnApp,
  newSignOnUser,
  populationWithRules,
  sessionCookieOf,
  setCookieOf,
  startFlow,
} from './flows-helpers.js';

const NEW_PASSWORD = 'Quartz!River92x';

async function setup(server: TestServer) {
  const env = await newEnvironment(server);
  const app = await newSignOnApp(server, env);
  return { env, app, api: flowsApi(server, env) };
}

/** The error body without its per-request id, to compare two answers. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- error bodies are read loosely, as Response does
const withoutId = (body: any): any => ({ ...body, id: undefined });

describeStores(
  'Flows API',
  (server) => {
    it('reads a flow: links of the status, embedded policy, resume URL, application', async () => {
      const { env, app, api } = await setup(server());
      const { flow } = await startFlow(server(), env, app);
      const read = await api.get(flow.id);
      assert.equal(read.status, 200, read.text);
      const base = `http://tessera.test/${env}/flows/${flow.id}`;
      assert.deepEqual(Object.keys(read.body._links).sort(), [
        'password.forgot',
        'self',
        'session.reset',
        'usernamePassword.check',
      ]);
      assert.equal(read.body._links.self.href, base);
      assert.equal(read.body._links['usernamePassword.check'].href, base);
      assert.equal(read.body.status, 'USERNAME_PASSWORD_REQUIRED');
      assert.equal(read.body.resumeUrl, `http://tessera.test/${env}/as/resume?flowId=${flow.id}`);
      assert.equal(read.body.application.id, app);
      assert.equal(typeof read.body.application.name, 'string');
      assert.equal(read.body._embedded.passwordPolicy.name, 'Standard');
      assert.equal(typeof read.body._embedded.passwordPolicy.length.min, 'number');
      assert.equal(read.body._embedded.user, undefined);
      assert.ok(Date.parse(read.body.expiresAt) - Date.parse(read.body.createdAt) === 15 * 60_000);

      const missing = await api.get('00000000-0000-4000-8000-000000000000');
      assert.equal(missing.status, 404);
      assert.equal(missing.body.code, 'NOT_FOUND');
    });

    it('signs on: COMPLETED, the ST cookie, and a second flow with the cookie completes at once (SSO)', async () => {
      const { env, app, api } = await setup(server());
      const user = await newSignOnUser(server(), env);
      const { flow } = await startFlow(server(), env, app);
      const done = await api.post(flow.id, 'usernamePassword.check', {
        username: user.username,
        password: user.password,
      });
      assert.equal(done.status, 200, done.text);
      assert.equal(done.body.status, 'COMPLETED');
      assert.deepEqual(done.body._embedded.user, { id: user.id, username: user.username });
      assert.deepEqual(Object.keys(done.body._links), ['self']);
      const cookie = setCookieOf(done.headers);
      assert.match(
        cookie,
        new RegExp(`^ST=[0-9a-f-]{36}; Max-Age=2592000; Expires=.*; Path=/${env}; HttpOnly; SameSite=Lax$`),
      );
      const st = sessionCookieOf(done.headers)!;

      const sso = await startFlow(server(), env, app, { context: { sessionId: st } });
      assert.equal(sso.flow.status, 'COMPLETED');
      assert.equal(sso.flow.userId, user.id);
      assert.equal(sso.flow.sessionId, st);

      // A session that does not exist (or of another environment) does not count.
      const other = await setup(server());
      const foreign = await startFlow(server(), other.env, other.app, { context: { sessionId: st } });
      assert.equal(foreign.flow.status, 'USERNAME_PASSWORD_REQUIRED');

      // max_age shorter than the time since sign-on asks for the password again.
      travel(server(), 120_000);
      const aged = await startFlow(server(), env, app, {
        context: { sessionId: st },
        request: { maxAge: 60 },
      });
      assert.equal(aged.flow.status, 'PASSWORD_REQUIRED');
      const again = await api.post(
        aged.flow.id,
        'usernamePassword.check',
        {
          username: user.username,
          password: user.password,
        },
        st,
      );
      assert.equal(again.body.status, 'COMPLETED', again.text);
      assert.equal(sessionCookieOf(again.headers), st, 'the browser keeps its session');
    });

    it('wrong password: INVALID_CREDENTIALS with failuresRemaining; lockout with secondsUntilUnlock, even for the right password', async () => {
      const { env, app, api } = await setup(server());
      const population = await populationWithRules(server(), env, {
        lockout: { failureCount: 3, durationSeconds: 600 },
      });
      const user = await newSignOnUser(server(), env, { populationId: population });
      const { flow } = await startFlow(server(), env, app);
      const attempt = (password: string) =>
        api.post(flow.id, 'usernamePassword.check', { username: user.username, password });
      const first = await attempt('wrong-1');
      assert.equal(first.status, 400);
      assert.equal(first.body.code, 'INVALID_DATA');
      assert.equal(first.body.details[0].code, 'INVALID_CREDENTIALS');
      assert.equal(first.body.details[0].innerError.failuresRemaining, 2);
      assert.equal((await attempt('wrong-2')).body.details[0].innerError.failuresRemaining, 1);
      const third = await attempt('wrong-3');
      assert.equal(third.body.details[0].code, 'INVALID_CREDENTIALS');
      assert.equal(third.body.details[0].innerError.failuresRemaining, 0);
      const locked = await attempt(user.password);
      assert.equal(locked.status, 400);
      assert.equal(locked.body.code, 'INVALID_DATA');
      assert.equal(locked.body.details[0].code, 'PASSWORD_LOCKED_OUT');
      assert.equal(locked.body.details[0].innerError.secondsUntilUnlock, 600);
      assert.equal((await api.get(flow.id)).body.status, 'USERNAME_PASSWORD_REQUIRED');
      travel(server(), 601_000);
      const fresh = await startFlow(server(), env, app);
      const unlocked = await api.post(fresh.flow.id, 'usernamePassword.check', {
        username: user.username,
        password: user.password,
      });
      assert.equal(unlocked.body.status, 'COMPLETED', unlocked.text);
    });

    it('unknown and disabled users answer exactly like a wrong password', async () => {
      const { env, app, api } = await setup(server());
      const real = await newSignOnUser(server(), env);
      const disabled = await newSignOnUser(server(), env);
      const off = await server().request('PUT', `/v1/environments/${env}/users/${disabled.id}/enabled`, {
        body: { enabled: false },
      });
      assert.equal(off.status, 200, off.text);
      const answer = async (username: string, password: string) => {
        const { flow } = await startFlow(server(), env, app);
        const res = await api.post(flow.id, 'usernamePassword.check', { username, password });
        return { status: res.status, body: withoutId(res.body) };
      };
      const wrong = await answer(real.username, 'not-the-password');
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.details[0].code, 'INVALID_CREDENTIALS');
      assert.deepEqual(await answer('nobody-at-all', 'not-the-password'), wrong);
      assert.deepEqual(await answer(disabled.username, disabled.password), wrong);
    });

    it('forced change: MUST_CHANGE_PASSWORD, then password.reset with a compliant new password completes', async () => {
      const { env, app, api } = await setup(server());
      const user = await newSignOnUser(server(), env, { forceChange: true });
      const { flow } = await startFlow(server(), env, app);
      const checked = await api.post(flow.id, 'usernamePassword.check', {
        username: user.username,
        password: user.password,
      });
      assert.equal(checked.status, 200, checked.text);
      assert.equal(checked.body.status, 'MUST_CHANGE_PASSWORD');
      assert.deepEqual(Object.keys(checked.body._links).sort(), ['password.reset', 'self', 'session.reset']);
      assert.equal(sessionCookieOf(checked.headers), undefined);
      const wrongAction = await api.post(flow.id, 'usernamePassword.check', {
        username: user.username,
        password: user.password,
      });
      assert.equal(wrongAction.status, 400);
      assert.equal(wrongAction.body.code, 'INVALID_REQUEST');
      const weak = await api.post(flow.id, 'password.reset', {
        currentPassword: user.password,
        newPassword: 'abc',
      });
      assert.equal(weak.status, 400);
      assert.equal(weak.body.code, 'INVALID_DATA');
      assert.equal(weak.body.details[0].code, 'PASSWORD_REQUIREMENTS_NOT_MET');
      assert.ok(weak.body.details[0].innerError.unsatisfiedRequirements.length > 0);
      const badCurrent = await api.post(flow.id, 'password.reset', {
        currentPassword: 'not-it',
        newPassword: NEW_PASSWORD,
      });
      assert.equal(badCurrent.body.details[0].code, 'INVALID_CREDENTIALS');
      const changed = await api.post(flow.id, 'password.reset', {
        currentPassword: user.password,
        newPassword: NEW_PASSWORD,
      });
      assert.equal(changed.status, 200, changed.text);
      assert.equal(changed.body.status, 'COMPLETED');
      assert.ok(sessionCookieOf(changed.headers));
    });

    it('expired password (maxAgeDays): PASSWORD_EXPIRED, then password.reset completes', async () => {
      const { env, app, api } = await setup(server());
      const population = await populationWithRules(server(), env, { maxAgeDays: 30, length: { min: 8 } });
      const user = await newSignOnUser(server(), env, { populationId: population });
      travel(server(), 31 * 86_400_000);
      const { flow } = await startFlow(server(), env, app);
      const checked = await api.post(flow.id, 'usernamePassword.check', {
        username: user.username,
        password: user.password,
      });
      assert.equal(checked.body.status, 'PASSWORD_EXPIRED', checked.text);
      assert.equal(checked.body._embedded.passwordPolicy.maxAgeDays, 30);
      const changed = await api.post(flow.id, 'password.reset', {
        currentPassword: user.password,
        newPassword: NEW_PASSWORD,
      });
      assert.equal(changed.body.status, 'COMPLETED', changed.text);
    });

    it('recovery: password.forgot emails a code, sendRecoveryCode resends, password.recover completes', async () => {
      const { env, app, api } = await setup(server());
      const user = await newSignOnUser(server(), env);
      const { flow } = await startFlow(server(), env, app);
      const forgot = await api.post(flow.id, 'password.forgot', { username: user.username });
      assert.equal(forgot.status, 200, forgot.text);
      assert.equal(forgot.body.status, 'RECOVERY_CODE_REQUIRED');
      assert.equal(forgot.body._embedded.user, undefined);
      assert.deepEqual(Object.keys(forgot.body._links).sort(), [
        'password.recover',
        'password.sendRecoveryCode',
        'self',
        'session.reset',
      ]);
      const first = await lastRecoveryCode(server(), env);
      // Without `+json`, as PingOne's table names it.
      const resent = await api.post(flow.id, 'application/vnd.pingidentity.password.sendRecoveryCode');
      assert.equal(resent.status, 200, resent.text);
      const code = await lastRecoveryCode(server(), env);
      assert.notEqual(code, first);
      const wrong = await api.post(flow.id, 'password.recover', {
        recoveryCode: 'ZZZZZZZZ',
        newPassword: NEW_PASSWORD,
      });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.details[0].target, 'recoveryCode');
      const done = await api.post(flow.id, 'password.recover', {
        recoveryCode: code,
        newPassword: NEW_PASSWORD,
      });
      assert.equal(done.status, 200, done.text);
      assert.equal(done.body.status, 'COMPLETED');
      assert.equal(done.body._embedded.user.username, user.username);
      assert.ok(sessionCookieOf(done.headers));

      // An unknown username reaches the same status (no enumeration); no code can match.
      const other = await startFlow(server(), env, app);
      const ghost = await api.post(other.flow.id, 'password.forgot', { username: 'ghost-user' });
      assert.equal(ghost.body.status, 'RECOVERY_CODE_REQUIRED');
      const never = await api.post(other.flow.id, 'password.recover', {
        recoveryCode: code,
        newPassword: NEW_PASSWORD,
      });
      assert.equal(never.status, 400);
      assert.equal(never.body.details[0].target, 'recoveryCode');
    });

    it('session.reset returns to USERNAME_PASSWORD_REQUIRED and unbinds the user', async () => {
      const { env, app, api } = await setup(server());
      const user = await newSignOnUser(server(), env, { forceChange: true });
      const { flow } = await startFlow(server(), env, app);
      await api.post(flow.id, 'usernamePassword.check', { username: user.username, password: user.password });
      const reset = await api.post(flow.id, 'session.reset');
      assert.equal(reset.status, 200, reset.text);
      assert.equal(reset.body.status, 'USERNAME_PASSWORD_REQUIRED');
      assert.equal(reset.body._embedded.user, undefined);
    });

    it('refuses unknown media types (415), bad bodies (400) and actions the policy does not offer', async () => {
      const { env, app, api } = await setup(server());
      const { flow } = await startFlow(server(), env, app);
      const unknown = await api.post(flow.id, 'application/vnd.pingidentity.nothing.here+json', {});
      assert.equal(unknown.status, 415);
      const bad = await api.post(flow.id, 'usernamePassword.check', { username: 'x' });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.code, 'INVALID_DATA');
      const register = await api.post(flow.id, 'user.register', {
        username: 'a',
        email: 'a@example.com',
        password: 'x',
      });
      assert.equal(register.status, 400);
      assert.equal(register.body.code, 'INVALID_REQUEST');
    });

    it('a flow expires after 15 minutes without activity; each action slides the window', async () => {
      const { env, app, api } = await setup(server());
      const user = await newSignOnUser(server(), env);
      const { flow } = await startFlow(server(), env, app);
      travel(server(), 14 * 60_000);
      const wrong = await api.post(flow.id, 'usernamePassword.check', {
        username: user.username,
        password: 'no',
      });
      assert.equal(wrong.status, 400);
      travel(server(), 14 * 60_000);
      assert.equal((await api.get(flow.id)).status, 200);
      travel(server(), 60_001);
      const gone = await api.get(flow.id);
      assert.equal(gone.status, 404);
      assert.equal(gone.body.code, 'NOT_FOUND');
      const late = await api.post(flow.id, 'usernamePassword.check', {
        username: user.username,
        password: user.password,
      });
      assert.equal(late.status, 404);
    });
  },
  { env: { TESSERA_TEST_MAILBOX: 'true' } },
);
