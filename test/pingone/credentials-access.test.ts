import assert from 'node:assert/strict';
import { it } from 'node:test';
import { BOOTSTRAP, describeStores } from '../support/harness.js';
import { ROLE_IDS, workerToken } from '../support/fixtures.js';

const ENV = BOOTSTRAP.environmentId;
const QUIET = { env: { TESSERA_SCHEDULER_INTERVAL_MS: '3600000' } };

describeStores(
  'credentials access and remaining routes',
  (server) => {
    async function fixture(username: string) {
      const type = await server().request('POST', `/v1/environments/${ENV}/credentialTypes`, {
        body: { title: `Access ${username}`, management: { mode: 'MANAGED' }, metadata: { fields: [] } },
      });
      assert.equal(type.status, 201, type.text);
      const env = await server().services.environments.require(ENV);
      const user = await server().services.store.transaction((trx) =>
        server().services.users.insertWithin(trx, env, { username }),
      );
      return {
        typeId: type.body.id as string,
        userId: user.id,
        base: `/v1/environments/${ENV}/users/${user.id}/credentials`,
      };
    }

    it('lets Identity Data Read Only read credentials but not change them or notification settings', async () => {
      const f = await fixture('reader-target');
      const credential = await server().request('POST', f.base, {
        body: { credentialType: { id: f.typeId } },
      });
      assert.equal(credential.status, 201, credential.text);
      const token = await workerToken(server(), ROLE_IDS.identityDataReadOnly, {
        id: ENV,
        type: 'ENVIRONMENT',
      });
      assert.equal((await server().request('GET', f.base, { token })).status, 200);
      assert.equal((await server().request('GET', `${f.base}/${credential.body.id}`, { token })).status, 200);
      assert.equal(
        (await server().request('GET', `/v1/environments/${ENV}/credentialTypes/${f.typeId}`, { token }))
          .status,
        200,
      );
      const create = await server().request('POST', f.base, {
        token,
        body: { credentialType: { id: f.typeId } },
      });
      assert.equal(create.status, 403);
      assert.equal(create.body.code, 'ACCESS_FAILED');
      const revoke = await server().request('POST', `${f.base}/${credential.body.id}`, {
        token,
        contentType: 'application/vnd.pingidentity.validations.revokeCredential+json',
      });
      assert.equal(revoke.status, 403);
      assert.equal(
        (await server().request('DELETE', `${f.base}/${credential.body.id}`, { token })).status,
        403,
      );
      const type = await server().request('POST', `/v1/environments/${ENV}/credentialTypes`, {
        token,
        body: { title: 'Nope', metadata: {} },
      });
      assert.equal(type.status, 403);
      assert.equal(
        (await server().request('GET', `/v1/environments/${ENV}/notificationsSettings`, { token })).status,
        403,
      );
      assert.equal((await server().request('GET', f.base, { token: null })).status, 401);
    });

    it('updates and lists wallet applications, deletes wallets, and keeps phone secrets on PUT', async () => {
      const f = await fixture('wallet-owner');
      const apps = await server().request('GET', `/v1/environments/${ENV}/applications`);
      const applicationId = apps.body._embedded.applications[0].id as string;
      const base = `/v1/environments/${ENV}/digitalWalletApplications`;
      const app = await server().request('POST', base, {
        body: {
          name: 'W',
          appOpenUrl: 'https://w.example/open',
          application: { id: applicationId },
          usesPingOneWalletSDK: false,
        },
      });
      assert.equal(app.status, 201, app.text);
      const unknownApp = await server().request('POST', base, {
        body: {
          name: 'W',
          appOpenUrl: 'https://w.example/open',
          application: { id: '0190f3a0-0000-7000-8000-000000000000' },
        },
      });
      assert.equal(unknownApp.status, 400);
      const renamed = await server().request('PUT', `${base}/${app.body.id}`, {
        body: { name: 'W2', appOpenUrl: 'https://w.example/v2', application: { id: applicationId } },
      });
      assert.equal(renamed.status, 200, renamed.text);
      assert.equal(renamed.body.name, 'W2');
      assert.equal(renamed.body.usesPingOneWalletSDK, false);
      const sdkChange = await server().request('PUT', `${base}/${app.body.id}`, {
        body: {
          name: 'W2',
          appOpenUrl: 'https://w.example/v2',
          application: { id: applicationId },
          usesPingOneWalletSDK: true,
        },
      });
      assert.equal(sdkChange.status, 400);
      const list = await server().request('GET', base);
      assert.ok(
        list.body._embedded.digitalWalletApplications.some((a: { id: string }) => a.id === app.body.id),
      );

      const wallets = `/v1/environments/${ENV}/users/${f.userId}/digitalWallets`;
      const paired = await server().request('POST', wallets, {
        body: { digitalWalletApplication: { id: app.body.id }, applicationInstance: { id: 'inst' } },
      });
      assert.equal(paired.status, 201, paired.text);
      assert.equal(paired.body.status, 'ACTIVE');
      const issued = await server().request('POST', f.base, { body: { credentialType: { id: f.typeId } } });
      assert.equal(issued.body.status, 'ISSUED');
      assert.equal((await server().request('DELETE', `${wallets}/${paired.body.id}`)).status, 204);
      assert.equal((await server().request('GET', `${wallets}/${paired.body.id}`)).status, 404);
      assert.equal((await server().request('GET', `${f.base}/${issued.body.id}`)).body.status, 'ISSUED');

      const phones = `/v1/environments/${ENV}/notificationsSettings/phoneDeliverySettings`;
      const request = {
        deliveryMethod: 'SMS',
        url: 'https://sms.example/send',
        method: 'POST',
        body: '${message}',
      };
      const phone = await server().request('POST', phones, {
        body: {
          provider: 'CUSTOM_PROVIDER',
          name: 'P',
          authentication: { method: 'BEARER', authToken: 'tok-secret' },
          requests: [request],
        },
      });
      assert.equal(phone.status, 201, phone.text);
      const put = await server().request('PUT', `${phones}/${phone.body.id}`, {
        body: {
          provider: 'CUSTOM_PROVIDER',
          name: 'P2',
          authentication: { method: 'BEARER' },
          requests: [request],
        },
      });
      assert.equal(put.status, 200, put.text);
      assert.equal(put.body.name, 'P2');
      const read = await server().request('GET', `${phones}/${phone.body.id}`);
      assert.equal(read.body.name, 'P2');
      assert.ok(!read.text.includes('tok-secret'));
      const row = await server()
        .services.store.db.selectFrom('phone_delivery_settings')
        .select('secrets_sealed')
        .where('id', '=', phone.body.id)
        .executeTakeFirstOrThrow();
      assert.ok(row.secrets_sealed, 'the sealed token is kept');
      assert.ok(!row.secrets_sealed.includes('tok-secret'));
    });
  },
  QUIET,
);
