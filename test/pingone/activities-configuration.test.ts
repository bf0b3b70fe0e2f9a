import assert from 'node:assert/strict';
import { it } from 'node:test';
import { activitiesOf, activitiesWhere, activityTypes } from '../support/activities.js';
import { createEnvironment, createUser, unique } from '../support/fixtures.js';
import { describeStores } from '../support/harness.js';

const policyTypes = (types: string[]) => types.filter((t) => t.startsWith('POLICY.'));

describeStores('audit activities of policies, credentials and notifications', (server) => {
  it('records password policies as POLICY.*; refusing to delete the default records nothing', async () => {
    const env = await createEnvironment(server());
    const policies = `/v1/environments/${env}/passwordPolicies`;
    const created = await server().request('POST', policies, { body: { name: unique('strict') } });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    const replaced = await server().request('PUT', `${policies}/${id}`, {
      body: { name: created.body.name, minAgeDays: 1 },
    });
    assert.equal(replaced.status, 200, replaced.text);
    assert.equal((await server().request('DELETE', `${policies}/${id}`)).status, 204);
    const found = await activitiesWhere(server(), env, `resources.id eq "${id}"`);
    assert.deepEqual(
      found.map((a) => a.action.type),
      ['POLICY.CREATED', 'POLICY.UPDATED', 'POLICY.DELETED'],
    );
    assert.equal(found[0]?.resources[0]?.type, 'PASSWORD_POLICY');
    const list = await server().request('GET', policies);
    const standard = (list.body._embedded.passwordPolicies as Array<{ id: string; default: boolean }>).find(
      (p) => p.default,
    );
    const refused = await server().request('DELETE', `${policies}/${standard!.id}`);
    assert.equal(refused.status, 400, refused.text);
    assert.deepEqual(await activitiesOf(server(), env, refused), []);
  });

  it('records a sign-on policy, its actions and its application assignments as POLICY.*', async () => {
    const env = await createEnvironment(server());
    const policies = `/v1/environments/${env}/signOnPolicies`;
    const created = await server().request('POST', policies, { body: { name: unique('Policy') } });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    const action = await server().request('POST', `${policies}/${id}/actions`, {
      body: { type: 'LOGIN', priority: 1 },
    });
    assert.equal(action.status, 201, action.text);
    const actionPath = `${policies}/${id}/actions/${action.body.id as string}`;
    assert.equal(
      (await server().request('PUT', actionPath, { body: { type: 'LOGIN', priority: 2 } })).status,
      200,
    );
    const app = await server().request('POST', `/v1/environments/${env}/applications`, {
      body: { name: unique('app'), type: 'WORKER' },
    });
    const assignments = `/v1/environments/${env}/applications/${app.body.id as string}/signOnPolicyAssignments`;
    const assigned = await server().request('POST', assignments, {
      body: { signOnPolicy: { id }, priority: 1 },
    });
    assert.equal(assigned.status, 201, assigned.text);
    const [assignActivity] = await activitiesOf(server(), env, assigned);
    assert.deepEqual(
      assignActivity?.resources.map((r) => [r.type, r.id]),
      [
        ['SIGN_ON_POLICY', id],
        ['APPLICATION', app.body.id],
      ],
    );
    const blocked = await server().request('DELETE', `${policies}/${id}`);
    assert.equal(blocked.status, 400, 'assigned policies cannot be deleted');
    assert.deepEqual(await activitiesOf(server(), env, blocked), []);
    assert.equal(
      (await server().request('DELETE', `${assignments}/${assigned.body.id as string}`)).status,
      204,
    );
    assert.equal((await server().request('DELETE', actionPath)).status, 204);
    assert.equal(
      (await server().request('PUT', `${policies}/${id}`, { body: { name: unique('P2') } })).status,
      200,
    );
    assert.equal((await server().request('DELETE', `${policies}/${id}`)).status, 204);
    const found = await activitiesWhere(server(), env, `resources.id eq "${id}"`);
    assert.deepEqual(policyTypes(found.map((a) => a.action.type)), [
      'POLICY.CREATED',
      'POLICY.UPDATED',
      'POLICY.UPDATED',
      'POLICY.UPDATED',
      'POLICY.UPDATED',
      'POLICY.UPDATED',
      'POLICY.UPDATED',
      'POLICY.DELETED',
    ]);
    assert.match(found[1]!.result.description, /^Created LOGIN action of Sign On Policy /);
    assert.match(found[3]!.result.description, /^Assigned Sign On Policy .* to application /);
  });

  it('records credential types, user credentials and digital wallets', async () => {
    const env = await createEnvironment(server());
    const types = `/v1/environments/${env}/credentialTypes`;
    const field = { id: 'Alphanumeric Text -> Level', title: 'Level', type: 'Alphanumeric Text' };
    const body = (description: string) => ({
      title: 'Audited Card',
      description,
      management: { mode: 'MANAGED' },
      metadata: { name: 'Audited Card', fields: [field] },
    });
    const type = await server().request('POST', types, { body: body('one') });
    assert.equal(type.status, 201, type.text);
    assert.equal(
      (await server().request('PUT', `${types}/${type.body.id as string}`, { body: body('two') })).status,
      200,
    );
    const user = await createUser(server(), env, { username: unique('holder') });
    const credentials = `/v1/environments/${env}/users/${user.id}/credentials`;
    const issued = await server().request('POST', credentials, {
      body: { credentialType: { id: type.body.id }, data: { Level: 'secret-level-9' } },
    });
    assert.equal(issued.status, 201, issued.text);
    const credential = `${credentials}/${issued.body.id as string}`;
    const revoked = await server().request('POST', credential, {
      contentType: 'application/vnd.pingidentity.validations.revokeCredential+json',
    });
    assert.equal(revoked.status, 200, revoked.text);
    assert.equal((await server().request('DELETE', credential)).status, 204);
    const app = await server().request('POST', `/v1/environments/${env}/applications`, {
      body: { name: unique('wallet-app'), type: 'WORKER' },
    });
    const walletApp = await server().request('POST', `/v1/environments/${env}/digitalWalletApplications`, {
      body: {
        name: 'Audited Wallet',
        appOpenUrl: 'https://wallet.example/open',
        application: { id: app.body.id },
      },
    });
    assert.equal(walletApp.status, 201, walletApp.text);
    const wallet = await server().request('POST', `/v1/environments/${env}/users/${user.id}/digitalWallets`, {
      body: { digitalWalletApplication: { id: walletApp.body.id } },
    });
    assert.equal(wallet.status, 201, wallet.text);

    assert.deepEqual(await activityTypes(server(), env, `resources.id eq "${type.body.id as string}"`), [
      'CREDENTIAL_TYPE.CREATED',
      'CREDENTIAL_TYPE.UPDATED',
    ]);
    const ofUser = await activitiesWhere(server(), env, `resources.id eq "${user.id}"`);
    assert.deepEqual(
      ofUser.map((a) => a.action.type),
      [
        'USER.CREATED',
        'USER_CREDENTIAL.PENDING',
        'USER_CREDENTIAL.REVOKED',
        'USER_CREDENTIAL.DELETED',
        'DIGITAL_WALLET.PAIRING_REQUIRED',
      ],
    );
    assert.doesNotMatch(JSON.stringify(ofUser), /secret-level-9/, 'never the credential data');
    assert.deepEqual(await activityTypes(server(), env, `resources.id eq "${walletApp.body.id as string}"`), [
      'DIGITAL_WALLET_APPLICATION.CREATED',
    ]);
  });

  it('records template contents and notification settings, never an SMTP password', async () => {
    const env = await createEnvironment(server());
    const contents = `/v1/environments/${env}/templates/credential_issued/contents`;
    const created = await server().request('POST', contents, {
      body: { deliveryMethod: 'Email', locale: 'de', body: 'Hallo' },
    });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    const replaced = await server().request('PUT', `${contents}/${id}`, {
      body: { deliveryMethod: 'Email', locale: 'de', body: 'Guten Tag' },
    });
    assert.equal(replaced.status, 200, replaced.text);
    assert.equal((await server().request('DELETE', `${contents}/${id}`)).status, 204);
    const found = await activitiesWhere(server(), env, `resources.id eq "${id}"`);
    assert.deepEqual(
      found.map((a) => a.action.type),
      ['CONTENT.CREATED', 'CONTENT.UPDATED', 'CONTENT.DELETED'],
    );
    assert.equal(found[0]?.resources[0]?.name, 'credential_issued Email de');

    const settings = `/v1/environments/${env}/notificationsSettings`;
    const general = await server().request('PUT', settings, {
      body: { from: { name: 'Acme', address: 'noreply@acme.test' } },
    });
    assert.equal(general.status, 200, general.text);
    const smtp = await server().request('PUT', `${settings}/emailDeliverySettings`, {
      body: {
        host: 'smtp.acme.test',
        port: 587,
        username: 'acme',
        password: 'smtp-password-never-logged',
        from: { address: 'a@acme.test' },
      },
    });
    assert.equal(smtp.status, 200, smtp.text);
    const changes = await activitiesWhere(server(), env, 'action.type eq "NOTIFICATIONS_SETTINGS.UPDATED"');
    assert.deepEqual(
      changes.map((a) => a.result.description),
      ['Updated notificationsSettings', 'Updated emailDeliverySettings'],
    );
    assert.doesNotMatch(JSON.stringify(changes), /smtp-password-never-logged/);
  });
});
