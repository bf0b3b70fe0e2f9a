import assert from 'node:assert/strict';
import { it } from 'node:test';
import { assertContract } from '../support/contract.js';
import { BOOTSTRAP, describeStores } from '../support/harness.js';

const ENV = BOOTSTRAP.environmentId;
const apps = `/v1/environments/${ENV}/applications`;

const webApp = {
  name: 'Portal',
  type: 'WEB_APP',
  protocol: 'OPENID_CONNECT',
  enabled: true,
  tokenEndpointAuthMethod: 'CLIENT_SECRET_BASIC',
  grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'],
  responseTypes: ['CODE'],
  redirectUris: ['https://portal.example.com/callback'],
};

describeStores('OIDC applications', (server) => {
  it('creates, reads, replaces and deletes a WEB_APP with PingOne defaults', async () => {
    const created = await server().request('POST', apps, { body: webApp });
    assert.equal(created.status, 201, created.text);
    assertContract('POST', '/environments/{envID}/applications', created);
    const body = created.body;
    assert.equal(body.type, 'WEB_APP');
    assert.equal(body.protocol, 'OPENID_CONNECT');
    assert.deepEqual(body.grantTypes, ['AUTHORIZATION_CODE', 'REFRESH_TOKEN']);
    assert.deepEqual(body.responseTypes, ['CODE']);
    assert.equal(body.pkceEnforcement, 'OPTIONAL');
    assert.equal(body.refreshTokenDuration, 2592000);
    assert.equal(body.refreshTokenRollingDuration, 15552000);
    assert.equal(body.refreshTokenRollingGracePeriodDuration, 0);
    assert.equal(body.additionalRefreshTokenReplayProtectionEnabled, true);
    assert.equal(body.idpSignoff, false);
    assert.equal(body.corsSettings, undefined);
    assert.equal(body._links.grants.href, `http://tessera.test${apps}/${body.id}/grants`);
    const noRoles = await server().request('GET', `${apps}/${body.id}/roleAssignments`);
    assert.equal(noRoles.body.size, 0, 'only workers inherit their creator’s roles');

    const read = await server().request('GET', `${apps}/${body.id}`);
    assertContract('GET', `${apps}/${body.id}`, read);
    assert.deepEqual(read.body, body);

    const replaced = await server().request('PUT', `${apps}/${body.id}`, {
      body: {
        ...webApp,
        pkceEnforcement: 'S256_REQUIRED',
        postLogoutRedirectUris: ['https://portal.example.com/bye'],
        loginPageUrl: 'https://login.example.com/',
        homePageUrl: 'https://portal.example.com/',
        refreshTokenDuration: 3600,
        refreshTokenRollingDuration: 7200,
        refreshTokenRollingGracePeriodDuration: 30,
        additionalRefreshTokenReplayProtectionEnabled: false,
        corsSettings: {
          behavior: 'ALLOW_SPECIFIC_ORIGINS',
          origins: ['https://portal.example.com', 'https://*.example.org:8443'],
        },
        idpSignoff: true,
      },
    });
    assert.equal(replaced.status, 200, replaced.text);
    assertContract('PUT', `${apps}/${body.id}`, replaced);
    const after = (await server().request('GET', `${apps}/${body.id}`)).body;
    assert.equal(after.pkceEnforcement, 'S256_REQUIRED');
    assert.deepEqual(after.postLogoutRedirectUris, ['https://portal.example.com/bye']);
    assert.equal(after.loginPageUrl, 'https://login.example.com/');
    assert.equal(after.homePageUrl, 'https://portal.example.com/');
    assert.equal(after.refreshTokenDuration, 3600);
    assert.equal(after.refreshTokenRollingDuration, 7200);
    assert.equal(after.refreshTokenRollingGracePeriodDuration, 30);
    assert.equal(after.additionalRefreshTokenReplayProtectionEnabled, false);
    assert.deepEqual(after.corsSettings.origins, [
      'https://portal.example.com',
      'https://*.example.org:8443',
    ]);
    assert.equal(after.idpSignoff, true);

    const retyped = await server().request('PUT', `${apps}/${body.id}`, {
      body: { ...webApp, type: 'SINGLE_PAGE_APP' },
    });
    assert.equal(retyped.status, 400);
    assert.equal(retyped.body.details[0].target, 'type');

    assert.equal((await server().request('DELETE', `${apps}/${body.id}`)).status, 204);
    assert.equal((await server().request('GET', `${apps}/${body.id}`)).status, 404);
  });

  it('creates every type with a sensible combination', async () => {
    for (const body of [
      {
        name: 'spa',
        type: 'SINGLE_PAGE_APP',
        tokenEndpointAuthMethod: 'NONE',
        grantTypes: ['AUTHORIZATION_CODE'],
        pkceEnforcement: 'S256_REQUIRED',
        redirectUris: ['http://localhost:3000/cb'],
      },
      {
        name: 'native',
        type: 'NATIVE_APP',
        tokenEndpointAuthMethod: 'NONE',
        grantTypes: ['AUTHORIZATION_CODE', 'IMPLICIT'],
        responseTypes: ['CODE', 'TOKEN', 'ID_TOKEN'],
      },
      {
        name: 'service',
        type: 'SERVICE',
        tokenEndpointAuthMethod: 'CLIENT_SECRET_POST',
        grantTypes: ['CLIENT_CREDENTIALS'],
      },
      {
        name: 'custom',
        type: 'CUSTOM_APP',
        tokenEndpointAuthMethod: 'CLIENT_SECRET_JWT',
        grantTypes: ['AUTHORIZATION_CODE', 'CLIENT_CREDENTIALS'],
        redirectUris: ['https://*.custom.example/cb'],
        allowWildcardInRedirectUris: true,
      },
      { name: 'worker', type: 'WORKER' },
    ]) {
      const created = await server().request('POST', apps, { body });
      assert.equal(created.status, 201, `${body.type}: ${created.text}`);
      assertContract('POST', '/environments/{envID}/applications', created);
      assert.equal(created.body.type, body.type);
    }
    const native = await server().request('POST', apps, {
      body: {
        name: 'implied',
        type: 'NATIVE_APP',
        tokenEndpointAuthMethod: 'NONE',
        grantTypes: ['IMPLICIT'],
      },
    });
    assert.deepEqual(
      native.body.responseTypes,
      ['TOKEN', 'ID_TOKEN'],
      'responseTypes follow the grant types',
    );
  });

  it('refuses combinations that make no sense, naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [
        { grantTypes: ['CLIENT_CREDENTIALS'], tokenEndpointAuthMethod: 'NONE', responseTypes: [] },
        'tokenEndpointAuthMethod',
        'INVALID_VALUE',
      ],
      [{ grantTypes: ['CLIENT_CREDENTIALS'], responseTypes: ['CODE'] }, 'responseTypes', 'INVALID_VALUE'],
      [
        { grantTypes: ['AUTHORIZATION_CODE'], responseTypes: ['CODE', 'TOKEN'] },
        'responseTypes',
        'INVALID_VALUE',
      ],
      [{ redirectUris: [] }, 'redirectUris', 'REQUIRED_VALUE'],
      [{ redirectUris: ['/relative/callback'] }, 'redirectUris', 'INVALID_VALUE'],
      [{ redirectUris: ['https://portal.example.com/cb#frag'] }, 'redirectUris', 'INVALID_VALUE'],
      [{ redirectUris: ['javascript:alert(1)'] }, 'redirectUris', 'INVALID_VALUE'],
      [{ redirectUris: ['https://*.example.com/cb'] }, 'redirectUris', 'INVALID_VALUE'],
      [{ tokenEndpointAuthMethod: 'PRIVATE_KEY_JWT' }, 'jwks', 'REQUIRED_VALUE'],
      [
        {
          tokenEndpointAuthMethod: 'PRIVATE_KEY_JWT',
          jwks: '{"keys":[{"kty":"EC","crv":"P-256","x":"a","y":"b"}]}',
          jwksUrl: 'https://keys.example.com/jwks',
        },
        'jwksUrl',
        'INVALID_VALUE',
      ],
      [
        { tokenEndpointAuthMethod: 'PRIVATE_KEY_JWT', jwks: '{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}' },
        'jwks',
        'INVALID_VALUE',
      ],
      [
        { tokenEndpointAuthMethod: 'PRIVATE_KEY_JWT', jwksUrl: 'http://keys.example.com/jwks' },
        'jwksUrl',
        'INVALID_VALUE',
      ],
      [
        { refreshTokenDuration: 7200, refreshTokenRollingDuration: 3600 },
        'refreshTokenDuration',
        'INVALID_VALUE',
      ],
      [
        {
          corsSettings: { behavior: 'ALLOW_SPECIFIC_ORIGINS', origins: ['https://portal.example.com/path'] },
        },
        'corsSettings.origins',
        'INVALID_VALUE',
      ],
      [
        { corsSettings: { behavior: 'ALLOW_SPECIFIC_ORIGINS', origins: [] } },
        'corsSettings.origins',
        'INVALID_VALUE',
      ],
      [
        { corsSettings: { behavior: 'ALLOW_NO_ORIGINS', origins: ['https://portal.example.com'] } },
        'corsSettings.origins',
        'INVALID_VALUE',
      ],
      [
        { grantTypes: ['REFRESH_TOKEN', 'CLIENT_CREDENTIALS'], responseTypes: [] },
        'grantTypes',
        'INVALID_VALUE',
      ],
      [{ type: 'WORKER', grantTypes: ['AUTHORIZATION_CODE'] }, 'grantTypes', 'INVALID_VALUE'],
      [{ tokenEndpointAuthMethod: undefined }, 'tokenEndpointAuthMethod', 'REQUIRED_VALUE'],
      [{ loginPageUrl: 'not a url' }, 'loginPageUrl', 'INVALID_VALUE'],
    ];
    for (const [change, target, code] of cases) {
      const response = await server().request('POST', apps, { body: { ...webApp, ...change } });
      assert.equal(response.status, 400, `${JSON.stringify(change)}: ${response.text}`);
      assert.equal(response.body.code, 'INVALID_DATA');
      const detail = (response.body.details as Array<{ code: string; target: string }>).find(
        (d) => d.target === target,
      );
      assert.ok(detail, `${JSON.stringify(change)} should name ${target}: ${response.text}`);
      assert.equal(detail.code, code);
    }
    const list = await server().request('GET', apps);
    assert.ok(
      !(list.body._embedded.applications as Array<{ name: string }>).some((a) => a.name === webApp.name),
    );
  });

  it('a NONE application has no secret; switching to a secret method gives it a fresh one', async () => {
    const created = await server().request('POST', apps, {
      body: {
        name: 'public spa',
        type: 'SINGLE_PAGE_APP',
        tokenEndpointAuthMethod: 'NONE',
        grantTypes: ['AUTHORIZATION_CODE'],
        redirectUris: ['https://spa.example.com/'],
      },
    });
    const id = created.body.id as string;
    assert.equal(created.body._links.secret, undefined);
    for (const method of ['GET', 'POST', 'DELETE']) {
      const refused = await server().request(method, `${apps}/${id}/secret`);
      assert.equal(refused.status, 400, `${method}: ${refused.text}`);
      assert.equal(refused.body.code, 'REQUEST_FAILED');
      assert.equal(refused.body.details[0].target, 'tokenEndpointAuthMethod');
    }
    const confidential = await server().request('PUT', `${apps}/${id}`, {
      body: {
        name: 'public spa',
        type: 'SINGLE_PAGE_APP',
        tokenEndpointAuthMethod: 'CLIENT_SECRET_POST',
        grantTypes: ['AUTHORIZATION_CODE'],
        redirectUris: ['https://spa.example.com/'],
      },
    });
    assert.equal(confidential.status, 200, confidential.text);
    const secret = await server().request('GET', `${apps}/${id}/secret`);
    assert.equal(secret.status, 200);
    assertContract('GET', `${apps}/${id}/secret`, secret);
    assert.ok((secret.body.secret as string).length >= 32);
  });

  it('rotates the secret with a previous one inside PingOne’s 1 minute to 30 days', async () => {
    const created = await server().request('POST', apps, { body: webApp });
    const id = created.body.id as string;
    const soon = new Date(server().clock.now() + 30_000).toISOString();
    const tooSoon = await server().request('POST', `${apps}/${id}/secret`, {
      body: { previous: { expiresAt: soon } },
    });
    assert.equal(tooSoon.status, 400);
    assert.equal(tooSoon.body.details[0].target, 'previous.expiresAt');
    const later = new Date(server().clock.now() + 86_400_000).toISOString();
    const rotated = await server().request('POST', `${apps}/${id}/secret`, {
      body: { previous: { expiresAt: later } },
    });
    assert.equal(rotated.status, 200, rotated.text);
    assertContract('POST', `${apps}/${id}/secret`, rotated);
    assert.equal(rotated.body.previous.expiresAt, later);
    const dropped = await server().request('DELETE', `${apps}/${id}/secret`);
    assert.equal(dropped.status, 204);
    assertContract('DELETE', `${apps}/${id}/secret`, dropped, { optional: true });
  });
});
