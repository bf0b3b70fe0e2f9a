import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnce } from '../support/harness.js';

describeOnce('roles', (server) => {
  it('lists the built-in roles with permissions and scopes', async () => {
    const list = await server().request('GET', '/v1/roles');
    assert.equal(list.status, 200, list.text);
    const roles = list.body._embedded.roles as Array<{
      id: string;
      name: string;
      applicableTo: string[];
      permissions: Array<{ id: string; classifier: string; description: string }>;
      _links: { self: { href: string } };
    }>;
    const names = roles.map((r) => r.name);
    for (const name of [
      'Environment Admin',
      'Identity Data Admin',
      'Identity Data Read Only',
      'Client Application Developer',
    ]) {
      assert.ok(names.includes(name), name);
    }
    assert.equal(list.body.size, roles.length);
    const admin = roles.find((r) => r.name === 'Identity Data Admin')!;
    assert.ok(admin.permissions.some((p) => p.id === 'dir:read:user'));
    assert.ok(admin.applicableTo.includes('POPULATION'));
    assert.equal(admin._links.self.href, `http://tessera.test/v1/roles/${admin.id}`);
    const one = await server().request('GET', `/v1/roles/${admin.id}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.name, 'Identity Data Admin');
    assert.equal(
      (await server().request('GET', '/v1/roles/00000000-0000-4000-8000-000000000000')).status,
      404,
    );
  });

  it('needs a token', async () => {
    assert.equal((await server().request('GET', '/v1/roles', { token: null })).status, 401);
  });
});
