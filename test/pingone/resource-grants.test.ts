import assert from 'node:assert/strict';
import { it } from 'node:test';
import { assertContract } from '../support/contract.js';
import { createEnvironment, unique } from '../support/fixtures.js';
import { BOOTSTRAP, describeStores } from '../support/harness.js';

const ENV = BOOTSTRAP.environmentId;
const base = `/v1/environments/${ENV}`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bodies are read loosely
type Body = any;

describeStores('resources and application grants', (server) => {
  async function resourceNamed(
    name: string,
  ): Promise<{ id: string; scopes: Array<{ id: string; name: string }> }> {
    const list = await server().request('GET', `${base}/resources`);
    const resource = (list.body._embedded.resources as Body[]).find((r) => r.name === name);
    assert.ok(resource, `${name} is built in`);
    const scopes = await server().request('GET', `${base}/resources/${resource.id}/scopes`);
    return {
      id: resource.id as string,
      scopes: scopes.body._embedded.scopes as Array<{ id: string; name: string }>,
    };
  }

  it('lists the built-in resources and their scopes, in every new environment too', async () => {
    const list = await server().request('GET', `${base}/resources`);
    assert.equal(list.status, 200, list.text);
    assertContract('GET', `${base}/resources`, list);
    const types = (list.body._embedded.resources as Array<{ name: string; type: string }>)
      .map((r) => [r.name, r.type])
      .sort();
    assert.deepEqual(types, [
      ['PingOne API', 'PINGONE_API'],
      ['openid', 'OPENID_CONNECT'],
    ]);
    const openid = await resourceNamed('openid');
    assert.deepEqual(openid.scopes.map((s) => s.name).sort(), [
      'address',
      'email',
      'openid',
      'phone',
      'profile',
    ]);
    const read = await server().request('GET', `${base}/resources/${openid.id}`);
    assertContract('GET', `${base}/resources/${openid.id}`, read);
    const scopes = await server().request('GET', `${base}/resources/${openid.id}/scopes`);
    assertContract('GET', `${base}/resources/${openid.id}/scopes`, scopes);
    const scope = await server().request(
      'GET',
      `${base}/resources/${openid.id}/scopes/${openid.scopes[0]!.id}`,
    );
    assertContract('GET', `${base}/resources/${openid.id}/scopes/${openid.scopes[0]!.id}`, scope);
    assert.equal((await server().request('GET', `${base}/resources/${openid.id}/scopes/nope`)).status, 404);

    const env = await createEnvironment(server(), unique('with resources'));
    const other = await server().request('GET', `/v1/environments/${env}/resources`);
    assert.equal(other.body.size, 2);
    assert.ok(!(other.body._embedded.resources as Body[]).some((r) => r.id === openid.id));
  });

  it('creates, reads, replaces and deletes grants; grantedScopes reports them', async () => {
    const app = await server().request('POST', `${base}/applications`, {
      body: {
        name: unique('granted'),
        type: 'WEB_APP',
        tokenEndpointAuthMethod: 'CLIENT_SECRET_BASIC',
        grantTypes: ['AUTHORIZATION_CODE'],
        redirectUris: ['https://granted.example/cb'],
      },
    });
    const grants = `${base}/applications/${app.body.id}/grants`;
    const openid = await resourceNamed('openid');
    const api = await resourceNamed('PingOne API');
    const pick = (names: string[]) =>
      openid.scopes.filter((s) => names.includes(s.name)).map((s) => ({ id: s.id }));

    const created = await server().request('POST', grants, {
      body: { resource: { id: openid.id }, scopes: pick(['openid', 'profile']) },
    });
    assert.equal(created.status, 201, created.text);
    assertContract('POST', grants, created);
    assert.equal(created.headers.location, `http://tessera.test${grants}/${created.body.id}`);
    assert.equal(created.body.application.id, app.body.id);

    const again = await server().request('POST', grants, {
      body: { resource: { id: openid.id }, scopes: pick(['email']) },
    });
    assert.equal(again.status, 400);
    assert.equal(again.body.details[0].code, 'UNIQUENESS_VIOLATION');
    const foreign = await server().request('POST', grants, {
      body: { resource: { id: api.id }, scopes: pick(['email']) },
    });
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.details[0].target, 'scopes');
    const unknown = await server().request('POST', grants, {
      body: { resource: { id: 'nope' }, scopes: pick(['email']) },
    });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.details[0].target, 'resource.id');

    const apiGrant = await server().request('POST', grants, {
      body: { resource: { id: api.id }, scopes: [{ id: api.scopes[0]!.id }] },
    });
    assert.equal(apiGrant.status, 201, apiGrant.text);

    const list = await server().request('GET', grants);
    assertContract('GET', grants, list);
    assert.equal(list.body.size, 2);
    const read = await server().request('GET', `${grants}/${created.body.id}`);
    assertContract('GET', `${grants}/${created.body.id}`, read);

    const replaced = await server().request('PUT', `${grants}/${created.body.id}`, {
      body: { resource: { id: openid.id }, scopes: pick(['openid', 'email', 'phone']) },
    });
    assert.equal(replaced.status, 200, replaced.text);
    assertContract('PUT', `${grants}/${created.body.id}`, replaced);

    const granted = await server().services.applications.grantedScopes(ENV, app.body.id as string);
    const byName = Object.fromEntries(granted.map((g) => [g.resource.name, g]));
    assert.deepEqual([...byName.openid!.scopes].sort(), ['email', 'openid', 'phone']);
    assert.equal(byName.openid!.resource.type, 'OPENID_CONNECT');
    assert.equal(byName.openid!.resource.audience, 'openid');
    assert.equal(byName['PingOne API']!.resource.audience, 'http://tessera.test');
    assert.deepEqual(byName['PingOne API']!.scopes, [api.scopes[0]!.name]);

    const removed = await server().request('DELETE', `${grants}/${apiGrant.body.id}`);
    assert.equal(removed.status, 204);
    assertContract('DELETE', `${grants}/${apiGrant.body.id}`, removed, { optional: true });
    assert.equal((await server().request('GET', `${grants}/${apiGrant.body.id}`)).status, 404);
    assert.equal((await server().services.applications.grantedScopes(ENV, app.body.id as string)).length, 1);

    // Deleting the application deletes its grants.
    assert.equal((await server().request('DELETE', `${base}/applications/${app.body.id}`)).status, 204);
    assert.deepEqual(await server().services.applications.grantedScopes(ENV, app.body.id as string), []);
  });
});
