import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { activitiesWhere, type ActivityWire } from '../support/activities.js';
import { describeStores, type TestServer } from '../support/harness.js';
import { eventually, WebhookReceiver } from '../support/webhook-receiver.js';
import { REDIRECT, newOidcApp, signOnInBrowser } from '../pingone-auth/as-helpers.js';
import {
  flowsApi,
  newEnvironment,
  newSignOnApp,
  newSignOnUser,
  sessionCookieOf,
  startFlow,
  unique,
} from '../pingone-auth/flows-helpers.js';

const summary = (found: readonly ActivityWire[]) => found.map((a) => `${a.action.type} ${a.result.status}`);

/** Asserts that none of `secrets` appears anywhere in the activities (or deliveries) given. */
function assertNoSecrets(recorded: unknown, secrets: readonly string[]) {
  const text = JSON.stringify(recorded);
  for (const secret of secrets) assert.ok(!text.includes(secret), `an activity holds a secret: ${secret}`);
}

/** Runs one usernamePassword.check on a new flow; returns the response. */
async function checkPassword(
  server: TestServer,
  env: string,
  app: string,
  credentials: { username: string; password: string },
  cookie?: string,
) {
  const { flow } = await startFlow(server, env, app);
  const res = await flowsApi(server, env).post(flow.id, 'usernamePassword.check', credentials, cookie);
  return { flowId: flow.id, res };
}

describeStores('audit activities of sign-on', (server) => {
  const receiver = new WebhookReceiver();
  before(() => receiver.start());
  after(() => receiver.stop());

  it('records access allowed and the session, a refused check, the flow’s end, and the session’s end; never its id', async () => {
    const env = await newEnvironment(server());
    const app = await newSignOnApp(server(), env);
    const user = await newSignOnUser(server(), env);
    const check = (password: string, cookie?: string) =>
      checkPassword(server(), env, app, { username: user.username, password }, cookie);
    const wrong = await check('not-the-password-1A!');
    assert.equal(wrong.res.status, 400, wrong.res.text);
    const signedOn = await check(user.password);
    assert.equal(signedOn.res.body.status, 'COMPLETED', signedOn.res.text);
    const sessionId = sessionCookieOf(signedOn.res.headers)!;
    const again = await check(user.password, sessionId);
    assert.equal(again.res.body.status, 'COMPLETED', again.res.text);
    const ended = await server().request(
      'DELETE',
      `/v1/environments/${env}/users/${user.id}/sessions/${sessionId}`,
    );
    assert.equal(ended.status, 204, ended.text);

    const found = await activitiesWhere(server(), env, `resources.id eq "${user.id}"`);
    assert.deepEqual(summary(found).slice(-11), [
      'PASSWORD.CHECK_FAILED FAILED',
      'USER.ACCESS_DENIED FAILED',
      'PASSWORD.CHECK_SUCCEEDED SUCCESS',
      'USER.ACCESS_ALLOWED SUCCESS',
      'SESSION.CREATED SUCCESS',
      'FLOW.UPDATED SUCCESS',
      'PASSWORD.CHECK_SUCCEEDED SUCCESS',
      'USER.ACCESS_ALLOWED SUCCESS',
      'SESSION.UPDATED SUCCESS',
      'FLOW.UPDATED SUCCESS',
      'SESSION.DELETED SUCCESS',
    ]);
    const allowed = found.find((a) => a.action.type === 'USER.ACCESS_ALLOWED')!;
    assert.equal(allowed.actors.client?.id, app);
    assert.deepEqual([allowed.actors.user?.id, allowed.actors.user?.name], [user.id, user.username]);
    const denied = found.find((a) => a.action.type === 'USER.ACCESS_DENIED')!;
    assert.equal(denied.result.description, `Denied access to User ${user.username}: wrong password`);
    assert.equal(denied.actors.client?.id, app);
    assert.equal(denied.actors.user, undefined, 'a refused user did not sign on: not an actor');
    assert.deepEqual(
      denied.resources.map((r) => [r.type, r.id]),
      [
        ['USER', user.id],
        ['FLOW', wrong.flowId],
        ['APPLICATION', app],
      ],
    );
    assert.equal(found.at(-1)!.correlationId, ended.headers['correlation-id']);

    const ofFlow = await activitiesWhere(server(), env, `resources.id eq "${signedOn.flowId}"`);
    assert.deepEqual(summary(ofFlow), ['FLOW.CREATED SUCCESS', 'FLOW.UPDATED SUCCESS']);
    assert.equal(
      ofFlow[1]!.result.description,
      `Completed Flow ${signedOn.flowId} for User ${user.username}`,
    );
    assert.equal(ofFlow[0]!.correlationId, undefined, 'sign-on makes no management call');
    const everything = await activitiesWhere(server(), env, 'recordedAt gt "2000-01-01T00:00:00Z"');
    assertNoSecrets(everything, [sessionId, user.password, 'not-the-password-1A!']);
  });

  it('records SSO reuse at /as/authorize and a flow that fails, over HTTP', async () => {
    const env = await newEnvironment(server());
    const user = await newSignOnUser(server(), env);
    const app = await newOidcApp(server(), env);
    const authorize = (extra: Record<string, string> = {}) =>
      `/${env}/as/authorize?${new URLSearchParams({
        client_id: app.id,
        response_type: 'code',
        scope: 'openid',
        redirect_uri: REDIRECT,
        state: 'st-1',
        ...extra,
      }).toString()}`;
    const first = await signOnInBrowser(server(), env, `http://tessera.test${authorize()}`, user);
    assert.ok(first.cookie && first.flowId);
    const reused = await signOnInBrowser(
      server(),
      env,
      `http://tessera.test${authorize()}`,
      user,
      first.cookie,
    );
    assert.equal(reused.flowId, undefined, 'the live session answered at once');
    const code = new URL(reused.location).searchParams.get('code');
    assert.ok(code);
    const refused = await server().request('GET', authorize({ prompt: 'none' }), { token: null });
    assert.equal(new URL(String(refused.headers.location)).searchParams.get('error'), 'login_required');

    const flows = await activitiesWhere(server(), env, 'resources.type eq "FLOW"');
    assert.deepEqual(summary(flows), [
      'FLOW.CREATED SUCCESS',
      'FLOW.UPDATED SUCCESS',
      'FLOW.CREATED SUCCESS',
      'FLOW.UPDATED SUCCESS',
      'FLOW.CREATED SUCCESS',
      'FLOW.UPDATED FAILED',
    ]);
    assert.equal(flows[0]!.resources[0]!.id, first.flowId);
    for (const activity of flows) assert.equal(activity.actors.client?.id, app.id);
    assert.match(flows.at(-1)!.result.description, /^Failed Flow .*: The user must sign on$/);
    const ofUser = await activitiesWhere(server(), env, `resources.id eq "${user.id}"`);
    assert.deepEqual(summary(ofUser).slice(-3), [
      'USER.ACCESS_ALLOWED SUCCESS',
      'SESSION.UPDATED SUCCESS',
      'FLOW.UPDATED SUCCESS',
    ]);
    assert.equal(ofUser.at(-2)!.result.description, `Reused Session for User ${user.username}`);
    assert.equal(ofUser.at(-2)!.actors.user?.id, user.id);
    const everything = await activitiesWhere(server(), env, 'recordedAt gt "2000-01-01T00:00:00Z"');
    assertNoSecrets(everything, [first.cookie, code, user.password, app.secret!]);
  });

  it('records why a known user was denied, never an unknown username; a subscription receives it', async () => {
    const env = await newEnvironment(server());
    const app = await newSignOnApp(server(), env);
    const hook = await server().request('POST', `/v1/environments/${env}/subscriptions`, {
      body: {
        name: unique('denials'),
        enabled: true,
        format: 'ACTIVITY',
        verifyTlsCertificates: true,
        httpEndpoint: { url: receiver.url },
        filterOptions: { includedActionTypes: ['USER.ACCESS_DENIED'] },
      },
    });
    assert.equal(hook.status, 201, hook.text);
    const disabled = await newSignOnUser(server(), env);
    const locked = await newSignOnUser(server(), env);
    const guessed = await newSignOnUser(server(), env);
    const users = `/v1/environments/${env}/users`;
    const disable = await server().request('PUT', `${users}/${disabled.id}/enabled`, {
      body: { enabled: false },
    });
    assert.equal(disable.status, 200, disable.text);
    const lock = await server().request('POST', `${users}/${locked.id}`, {
      body: {},
      contentType: 'application/vnd.pingidentity.account.lock+json',
    });
    assert.equal(lock.status, 200, lock.text);
    const answers: Awaited<ReturnType<typeof checkPassword>>[] = [];
    for (const user of [disabled, locked]) answers.push(await checkPassword(server(), env, app, user));
    const unknown = await checkPassword(server(), env, app, {
      username: 'nobody-here',
      password: 'Guess-1!',
    });
    answers.push(unknown);
    for (let i = 0; i < 6; i += 1)
      answers.push(await checkPassword(server(), env, app, { ...guessed, password: `Wrong-${i}-pass!` }));
    for (const { res } of answers) assert.equal(res.status, 400, res.text);

    const denied = await activitiesWhere(server(), env, 'action.type eq "USER.ACCESS_DENIED"');
    assert.deepEqual(
      denied.slice(0, 3).map((a) => [a.resources[0]?.id, a.result.status, a.result.description]),
      [
        [disabled.id, 'FAILED', `Denied access to User ${disabled.username}: user disabled`],
        [locked.id, 'FAILED', `Denied access to User ${locked.username}: account locked`],
        [guessed.id, 'FAILED', `Denied access to User ${guessed.username}: wrong password`],
      ],
    );
    assert.equal(denied.length, 8, 'two refused users and six refused guesses; the unknown name is not');
    assert.match(denied.at(-1)!.result.description, /: password locked out after too many failures$/);
    const ofUnknown = await activitiesWhere(server(), env, `resources.id eq "${unknown.flowId}"`);
    assert.deepEqual(summary(ofUnknown), ['FLOW.CREATED SUCCESS']);

    const delivered = () => receiver.activities().filter((a) => a.resources[1]?.id === answers[0]!.flowId);
    await eventually(() => delivered().length > 0);
    assert.equal(delivered()[0]!.action.type, 'USER.ACCESS_DENIED');
    const everything = await activitiesWhere(server(), env, 'recordedAt gt "2000-01-01T00:00:00Z"');
    assertNoSecrets(
      [everything, receiver.received],
      ['Guess-1!', 'nobody-here', 'Wrong-0-pass!', disabled.password],
    );
  });

  it('records each session the 10-per-user cap drops as SESSION.DELETED of the user', async () => {
    const env = await newEnvironment(server());
    const app = await newSignOnApp(server(), env);
    const user = await newSignOnUser(server(), env);
    const cookies: string[] = [];
    for (let i = 0; i < 11; i += 1) {
      const { res } = await checkPassword(server(), env, app, user);
      assert.equal(res.body.status, 'COMPLETED', res.text);
      cookies.push(sessionCookieOf(res.headers)!);
    }
    const sessions = await server().request('GET', `/v1/environments/${env}/users/${user.id}/sessions`);
    assert.equal(sessions.body._embedded.sessions.length, 10, sessions.text);
    const dropped = await activitiesWhere(server(), env, 'action.type eq "SESSION.DELETED"');
    assert.deepEqual(
      dropped.map((a) => [a.resources[0]?.id, a.actors.client?.id, a.result.description]),
      [[user.id, app, `Deleted Session for User ${user.username}: more than 10 sessions`]],
    );
    assertNoSecrets(dropped, cookies);
  });
});
