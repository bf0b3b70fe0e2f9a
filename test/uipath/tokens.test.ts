import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { decodeJwt } from 'jose';
import { BOOTSTRAP, describeStores } from '../support/harness.js';
import {
  createEnvironment,
  createExternalApp,
  tokenRequest,
  uipathToken,
  type ExternalApp,
} from './uipath-helpers.js';

describeStores('uipath connect/token', (server) => {
  let env: string;
  let app: ExternalApp;
  const form = (extra: Record<string, string> = {}) => ({
    grant_type: 'client_credentials',
    client_id: app.clientId,
    client_secret: app.clientSecret,
    ...extra,
  });

  // Sets up an organization and an external application through the PingOne face
  before(async () => {
    env = await createEnvironment(server(), 'Contoso Org');
    app = await createExternalApp(server(), env, ['PM.User', 'PM.User.Read', 'PM.User.Write']);
  });

  it('issues client_credentials tokens under every prefix, with the scope in the answer', async () => {
    for (const url of [
      '/identity/connect/token',
      '/identity_/connect/token',
      `/${env}/identity_/connect/token`,
      '/contoso%20org/identity_/connect/token',
      '/CONTOSO%20ORG/DefaultTenant/identity_/connect/token',
    ]) {
      const response = await tokenRequest(server(), url, form({ scope: 'PM.User PM.User.Read' }));
      assert.equal(response.status, 200, `${url}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.token_type, 'Bearer');
      assert.equal(response.body.scope, 'PM.User PM.User.Read');
      assert.equal(typeof response.body.expires_in, 'number');
      assert.equal(response.headers['cache-control'], 'no-store');
      const claims = decodeJwt(response.body.access_token);
      assert.equal(claims.env, env);
      assert.equal(claims.scope, 'PM.User PM.User.Read');
    }
  });

  it('grants every allowed scope when none is requested, and accepts client_secret_basic too', async () => {
    const all = await tokenRequest(server(), '/identity_/connect/token', form());
    assert.equal(all.status, 200);
    assert.equal(all.body.scope, 'PM.User PM.User.Read PM.User.Write');
    const basic = await server().app.server.inject({
      method: 'POST',
      url: '/identity_/connect/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'Basic ' + Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64'),
      },
      payload: 'grant_type=client_credentials&scope=PM.User.Read',
    });
    assert.equal(basic.statusCode, 200, basic.body);
    assert.equal(JSON.parse(basic.body).scope, 'PM.User.Read');
  });

  it('answers RFC 6749 errors', async () => {
    const wrongSecret = await tokenRequest(
      server(),
      '/identity_/connect/token',
      form({ client_secret: 'nope' }),
    );
    assert.equal(wrongSecret.status, 401);
    assert.equal(wrongSecret.body.error, 'invalid_client');
    const unknownClient = await tokenRequest(
      server(),
      '/identity_/connect/token',
      form({ client_id: 'c0ffee00-0000-4000-8000-000000000000' }),
    );
    assert.equal(unknownClient.body.error, 'invalid_client');
    const grant = await tokenRequest(server(), '/identity_/connect/token', form({ grant_type: 'password' }));
    assert.equal(grant.status, 400);
    assert.equal(grant.body.error, 'unsupported_grant_type');
    const missingGrant = await tokenRequest(server(), '/identity_/connect/token', {
      client_id: app.clientId,
      client_secret: app.clientSecret,
    });
    assert.equal(missingGrant.body.error, 'invalid_request');
    const scope = await tokenRequest(
      server(),
      '/identity_/connect/token',
      form({ scope: 'PM.User OR.Robots' }),
    );
    assert.equal(scope.status, 400);
    assert.equal(scope.body.error, 'invalid_scope');
    const otherOrg = await tokenRequest(server(), '/some-other-org/identity_/connect/token', form());
    assert.equal(otherOrg.body.error, 'invalid_client');
    const json = await server().app.server.inject({
      method: 'POST',
      url: '/identity_/connect/token',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(form()),
    });
    assert.equal(json.statusCode, 400);
    assert.equal(JSON.parse(json.body).error, 'invalid_request');
  });

  it("accepts its tokens on the API and refuses missing scopes with UiPath's errorMessage (403)", async () => {
    const readOnly = await createExternalApp(server(), env, ['PM.User.Read']);
    const readToken = await uipathToken(server(), readOnly, 'PM.User.Read');
    const list = await server().request('GET', `/identity_/api/User/users/${env}`, { token: readToken });
    assert.equal(list.status, 200, list.text);
    const write = await server().request('DELETE', `/identity_/api/User/${env}`, { token: readToken });
    assert.equal(write.status, 403);
    assert.deepEqual(write.body, {
      errorMessage: "Scope(s) 'PM.User.Read' is(are) invalid. Expect to have 'PM.User' or 'PM.User.Write'. ",
    });

    const groupsOnly = await createExternalApp(server(), env, ['PM.Group']);
    const groupsToken = await uipathToken(server(), groupsOnly, 'PM.Group');
    const read = await server().request('GET', `/identity_/api/User/users/${env}`, { token: groupsToken });
    assert.equal(read.status, 403);
    assert.deepEqual(read.body, {
      errorMessage: "Scope(s) 'PM.Group' is(are) invalid. Expect to have 'PM.User' or 'PM.User.Read'. ",
    });
  });

  it('does not accept a PingOne admin token without PM.User scopes', async () => {
    const elsewhere = await server().request('GET', `/identity_/api/User/users/${env}`);
    assert.equal(elsewhere.status, 403);
    assert.equal(elsewhere.body.title, 'Forbidden');
    const response = await server().request('GET', `/identity_/api/User/users/${BOOTSTRAP.environmentId}`);
    assert.equal(response.status, 403);
    assert.match(
      response.body.errorMessage,
      /^Scope\(s\) '' is\(are\) invalid\. Expect to have 'PM\.User' or 'PM\.User\.Read'\. $/,
    );
  });

  it('refuses a missing or forged bearer token with 401 and WWW-Authenticate', async () => {
    const missing = await server().request('GET', `/identity_/api/User/users/${env}`, { token: null });
    assert.equal(missing.status, 401);
    assert.equal(missing.text, '');
    assert.equal(missing.headers['www-authenticate'], 'Bearer');
    const forged = await server().request('GET', `/identity_/api/User/users/${env}`, {
      token: 'e30.e30.sig',
    });
    assert.equal(forged.status, 401);
    assert.equal(forged.headers['www-authenticate'], 'Bearer error="invalid_token"');
  });
});
