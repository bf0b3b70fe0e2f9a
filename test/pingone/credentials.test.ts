import assert from 'node:assert/strict';
import { it } from 'node:test';
import { deleteUser } from '../../src/core/users/users.repository.js';
import { BOOTSTRAP, describeStores, type TestServer } from '../support/harness.js';

const ENV = BOOTSTRAP.environmentId;
const QUIET = { env: { TESSERA_SCHEDULER_INTERVAL_MS: '3600000' } };

async function createUser(
  server: TestServer,
  username: string,
  extra: { email?: string; profile?: Record<string, unknown> } = {},
) {
  const env = await server.services.environments.require(ENV);
  return server.services.store.transaction((trx) =>
    server.services.users.insertWithin(trx, env, {
      username,
      email: extra.email,
      profile: (extra.profile ?? {}) as never,
    }),
  );
}

const managedType = (title: string) => ({
  title,
  description: 'A managed card',
  management: { mode: 'MANAGED' },
  metadata: {
    name: title,
    fields: [
      {
        id: 'Alphanumeric Text -> Limitations',
        title: 'Limitations',
        type: 'Alphanumeric Text',
        required: true,
      },
      {
        id: 'Alphanumeric Text -> Endorsements',
        title: 'Endorsements',
        type: 'Alphanumeric Text',
        value: 'none',
      },
      {
        id: 'Directory Attribute -> Name',
        title: 'Name',
        type: 'Directory Attribute',
        attribute: 'username',
      },
    ],
  },
});

describeStores(
  'credential types',
  (server) => {
    it('creates, reads, lists, versions, replaces and soft-deletes a credential type', async () => {
      const created = await server().request('POST', `/v1/environments/${ENV}/credentialTypes`, {
        body: managedType('Driver Licence'),
      });
      assert.equal(created.status, 201, created.text);
      const type = created.body;
      assert.equal(type.management.mode, 'MANAGED');
      assert.equal(type.onDelete.revokeIssuedCredentials, true);
      assert.equal(type.cardType, 'Driver Licence');
      assert.equal(type.version.number, 1);
      assert.equal(type.version.uri, `http://tessera.test/v1/distributedid/credentialTypes/${type.id}/v1`);
      assert.equal(type.metadata.fields[0].isVisible, false);
      assert.equal(type.metadata.fields[1].required, false);
      assert.equal(
        type._links.version.href,
        `http://tessera.test/v1/environments/${ENV}/credentialTypes/${type.id}/versions/${type.version.id}`,
      );

      const automated = await server().request('POST', `/v1/environments/${ENV}/credentialTypes`, {
        body: {
          title: 'Auto',
          metadata: { fields: [{ id: 'x', title: 'X', type: 'Alphanumeric Text', value: 'v' }] },
        },
      });
      assert.equal(automated.status, 201, automated.text);
      assert.equal(automated.body.management.mode, 'AUTOMATED');

      const list = await server().request('GET', `/v1/environments/${ENV}/credentialTypes`);
      assert.equal(list.status, 200);
      const listed = list.body._embedded.items.find((t: { id: string }) => t.id === type.id);
      assert.ok(listed);
      assert.equal(listed.metadata, undefined, 'Read All omits metadata');
      assert.equal(list.body.size, list.body._embedded.items.length);

      // A PUT that changes nothing keeps the version; a change makes version 2 with a snapshot.
      const same = await server().request('PUT', `/v1/environments/${ENV}/credentialTypes/${type.id}`, {
        body: managedType('Driver Licence'),
      });
      assert.equal(same.status, 200, same.text);
      assert.equal(same.body.version.number, 1);
      const changed = await server().request('PUT', `/v1/environments/${ENV}/credentialTypes/${type.id}`, {
        body: { ...managedType('Driver Licence'), description: 'Updated' },
      });
      assert.equal(changed.status, 200);
      assert.equal(changed.body.version.number, 2);
      assert.notEqual(changed.body.version.id, type.version.id);
      const versions = await server().request(
        'GET',
        `/v1/environments/${ENV}/credentialTypes/${type.id}/versions`,
      );
      assert.deepEqual(
        versions.body._embedded.versions.map((v: { version: number }) => v.version),
        [1, 2],
      );
      const v1 = await server().request(
        'GET',
        `/v1/environments/${ENV}/credentialTypes/${type.id}/versions/${type.version.id}`,
      );
      assert.equal(v1.status, 200);
      assert.equal(v1.body.snapshot.description, 'A managed card');
      assert.equal(v1.body.credentialType.id, type.id);

      const retitled = await server().request('PUT', `/v1/environments/${ENV}/credentialTypes/${type.id}`, {
        body: managedType('Other'),
      });
      assert.equal(retitled.status, 400);
      assert.equal(retitled.body.details[0].target, 'title');

      const deleted = await server().request('DELETE', `/v1/environments/${ENV}/credentialTypes/${type.id}`);
      assert.equal(deleted.status, 204);
      const after = await server().request('GET', `/v1/environments/${ENV}/credentialTypes/${type.id}`);
      assert.equal(after.status, 200);
      assert.ok(after.body.deletedAt);
      const listAfter = await server().request('GET', `/v1/environments/${ENV}/credentialTypes`);
      assert.ok(!listAfter.body._embedded.items.some((t: { id: string }) => t.id === type.id));
    });

    it('validates a credential type', async () => {
      const noTitle = await server().request('POST', `/v1/environments/${ENV}/credentialTypes`, {
        body: { metadata: {} },
      });
      assert.equal(noTitle.status, 400);
      const managedExpiry = await server().request('POST', `/v1/environments/${ENV}/credentialTypes`, {
        body: {
          ...managedType('Expiring'),
          expiration: { type: 'HARD', after: { duration: 1, timeUnit: 'DAYS' } },
        },
      });
      assert.equal(managedExpiry.status, 400);
      assert.equal(managedExpiry.body.details[0].target, 'expiration');
      const badField = await server().request('POST', `/v1/environments/${ENV}/credentialTypes`, {
        body: {
          title: 'Bad',
          management: { mode: 'MANAGED' },
          metadata: { fields: [{ id: 'a', title: 'A', type: 'Directory Attribute' }] },
        },
      });
      assert.equal(badField.status, 400);
      assert.equal(badField.body.details[0].target, 'metadata.fields[0].attribute');
    });
  },
  QUIET,
);

describeStores(
  'user credentials',
  (server) => {
    async function setup(name: string) {
      const type = (
        await server().request('POST', `/v1/environments/${ENV}/credentialTypes`, { body: managedType(name) })
      ).body;
      const user = await createUser(server(), `${name.replace(/\s/g, '').toLowerCase()}-user`);
      return { type, user, base: `/v1/environments/${ENV}/users/${user.id}/credentials` };
    }

    it('creates a credential, reads it and updates it with the seed 004 request', async () => {
      const { type, user, base } = await setup('Managed Credential Developers');
      const created = await server().request('POST', base, {
        body: { credentialType: { id: type.id }, data: { Limitations: 'None' } },
      });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.status, 'PENDING');
      assert.equal(created.body.title, 'Managed Credential Developers');
      // Fields without a value are issued: defaults, directory attributes, else "".
      assert.deepEqual(created.body.data, { Limitations: 'None', Endorsements: 'none', Name: user.username });
      assert.equal(created.headers.location, created.body._links.self.href);

      const one = await server().request('GET', `${base}/${created.body.id}`);
      assert.equal(one.status, 200);
      assert.deepEqual(one.body.data, created.body.data);
      const all = await server().request('GET', base);
      assert.equal(all.body.size, 1);
      assert.equal(all.body._embedded.items[0].id, created.body.id);

      // Seed 004, verbatim.
      const seedBody = `{
"credentialType": {
"id": "${type.id}"
},
"data": {
"Limitations": "Daytime driving only"
}
}`;
      const updated = await server().request('PUT', `${base}/${created.body.id}`, { body: seedBody });
      assert.equal(updated.status, 200, updated.text);
      const b = updated.body;
      for (const rel of ['self', 'environment', 'users', 'credentialTypes'])
        assert.ok(b._links[rel]?.href, rel);
      assert.equal(
        b._links.self.href,
        `http://tessera.test/v1/environments/${ENV}/users/${user.id}/credentials/${b.id}`,
      );
      assert.equal(b._links.environment.href, `http://tessera.test/v1/environments/${ENV}`);
      assert.equal(b._links.users.href, `http://tessera.test/v1/environments/${ENV}/users/${user.id}`);
      assert.equal(
        b._links.credentialTypes.href,
        `http://tessera.test/v1/environments/${ENV}/credentialTypes/${type.id}`,
      );
      assert.equal(b.id, created.body.id);
      assert.equal(b.createdAt, created.body.createdAt);
      assert.ok(b.updatedAt);
      assert.deepEqual(b.environment, { id: ENV });
      assert.deepEqual(b.user, { id: user.id });
      assert.deepEqual(b.credentialType, {
        id: type.id,
        version: {
          number: 1,
          uri: `http://tessera.test/v1/distributedid/credentialTypes/${type.id}/v1`,
          id: type.version.id,
        },
      });
      // PUT replaces data: omitted fields become null.
      assert.deepEqual(b.data, { Limitations: 'Daytime driving only', Endorsements: null, Name: null });
      assert.equal(b.title, 'Managed Credential Developers');
      assert.equal(b.status, 'PENDING');
    });

    it('refuses bad creates and updates', async () => {
      const { type, base } = await setup('Strict Card');
      const missing = await server().request('POST', base, { body: { credentialType: { id: type.id } } });
      assert.equal(missing.status, 400);
      assert.equal(missing.body.details[0].target, 'data.Limitations');
      const auto = await server().request('POST', `/v1/environments/${ENV}/credentialTypes`, {
        body: { title: 'Auto Card', metadata: { fields: [] } },
      });
      const automated = await server().request('POST', base, {
        body: { credentialType: { id: auto.body.id } },
      });
      assert.equal(automated.status, 400);
      assert.equal(automated.body.details[0].target, 'credentialType.id');

      const created = await server().request('POST', base, {
        body: { credentialType: { id: type.id }, data: { Limitations: 'x' } },
      });
      const omitsRequired = await server().request('PUT', `${base}/${created.body.id}`, {
        body: { credentialType: { id: type.id }, data: { Endorsements: 'B' } },
      });
      assert.equal(omitsRequired.status, 400);
      assert.equal(omitsRequired.body.code, 'INVALID_DATA');
      assert.equal(omitsRequired.body.details[0].code, 'REQUIRED_VALUE');
      const otherType = await server().request('PUT', `${base}/${created.body.id}`, {
        body: { credentialType: { id: auto.body.id }, data: { Limitations: 'x' } },
      });
      assert.equal(otherType.status, 400);
      const noType = await server().request('PUT', `${base}/${created.body.id}`, {
        body: { data: { Limitations: 'x' } },
      });
      assert.equal(noType.status, 400);
      const unknown = await server().request('GET', `${base}/0190f3a0-0000-7000-8000-000000000000`);
      assert.equal(unknown.status, 404);
    });

    it('revokes by media type, deletes, and expires', async () => {
      const { type, base } = await setup('Revocable Card');
      const created = await server().request('POST', base, {
        body: { credentialType: { id: type.id }, data: { Limitations: 'x' } },
      });
      const plain = await server().request('POST', `${base}/${created.body.id}`, { body: {} });
      assert.equal(plain.status, 415);
      server().clock.advance(1000);
      const revoked = await server().request('POST', `${base}/${created.body.id}`, {
        contentType: 'application/vnd.pingidentity.validations.revokeCredential+json',
      });
      assert.equal(revoked.status, 200, revoked.text);
      assert.equal(revoked.body.status, 'REVOKED');
      assert.equal(revoked.body.expiresAt, new Date(server().clock.now()).toISOString());
      const again = await server().request('POST', `${base}/${created.body.id}`, {
        contentType: 'application/vnd.pingidentity.validations.revokeCredential+json',
        body: '{"ignored": true}',
      });
      assert.equal(again.status, 200);
      assert.equal(again.body.expiresAt, revoked.body.expiresAt);
      const updateRevoked = await server().request('PUT', `${base}/${created.body.id}`, {
        body: { credentialType: { id: type.id }, data: { Limitations: 'y' } },
      });
      assert.equal(updateRevoked.status, 400);

      // expiresAt schedules revocation: REVOKED on read at once, persisted by the scheduler.
      const second = await server().request('POST', base, {
        body: { credentialType: { id: type.id }, data: { Limitations: 'x' } },
      });
      const expiresAt = new Date(server().clock.now() + 60_000).toISOString();
      const scheduled = await server().request('PUT', `${base}/${second.body.id}`, {
        body: { credentialType: { id: type.id }, data: { Limitations: 'x' }, expiresAt },
      });
      assert.equal(scheduled.status, 200);
      assert.equal(scheduled.body.status, 'PENDING');
      assert.equal(scheduled.body.expiresAt, expiresAt);
      server().clock.advance(60_000);
      assert.equal((await server().request('GET', `${base}/${second.body.id}`)).body.status, 'REVOKED');
      await server().services.scheduler.runOnce();
      const row = await server()
        .services.store.db.selectFrom('user_credentials')
        .select(['status', 'expires_at'])
        .where('id', '=', second.body.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.status, 'REVOKED');
      assert.equal(new Date(row.expires_at!).toISOString(), expiresAt);

      const deleted = await server().request('DELETE', `${base}/${second.body.id}`);
      assert.equal(deleted.status, 204);
      assert.equal((await server().request('GET', `${base}/${second.body.id}`)).status, 404);
    });

    it('issues credentials to a user with an active wallet and cascades deletions', async () => {
      const { type, user, base } = await setup('Wallet Card');
      const apps = await server().request('GET', `/v1/environments/${ENV}/applications`);
      const applicationId = apps.body._embedded.applications[0].id;
      const walletApp = await server().request('POST', `/v1/environments/${ENV}/digitalWalletApplications`, {
        body: {
          name: 'Wallet',
          appOpenUrl: 'https://wallet.example/open',
          application: { id: applicationId },
        },
      });
      assert.equal(walletApp.status, 201, walletApp.text);
      assert.equal(walletApp.body.usesPingOneWalletSDK, true);
      assert.equal(
        (
          await server().request(
            'GET',
            `/v1/environments/${ENV}/digitalWalletApplications/${walletApp.body.id}`,
          )
        ).status,
        200,
      );

      const pending = await server().request('POST', base, {
        body: { credentialType: { id: type.id }, data: { Limitations: 'x' } },
      });
      assert.equal(pending.body.status, 'PENDING');

      const wallets = `/v1/environments/${ENV}/users/${user.id}/digitalWallets`;
      const wallet = await server().request('POST', wallets, {
        body: { digitalWalletApplication: { id: walletApp.body.id } },
      });
      assert.equal(wallet.status, 201, wallet.text);
      assert.equal(wallet.body.status, 'PAIRING_REQUIRED');
      assert.equal(wallet.body.pairingSession.status, 'INITIAL');
      assert.ok(wallet.body.pairingSession.qrUrl.startsWith('https://wallet.example/open?'));
      assert.ok(wallet.body._links.appOpen.href);

      const paired = await server().request('PUT', `${wallets}/${wallet.body.id}`, {
        body: { applicationInstance: { id: 'instance-1' } },
      });
      assert.equal(paired.status, 200, paired.text);
      assert.equal(paired.body.status, 'ACTIVE');
      assert.equal((await server().request('GET', `${base}/${pending.body.id}`)).body.status, 'ISSUED');
      const issued = await server().request('POST', base, {
        body: { credentialType: { id: type.id }, data: { Limitations: 'y' } },
      });
      assert.equal(issued.body.status, 'ISSUED');
      const listed = await server().request('GET', wallets);
      assert.equal(listed.body._embedded.digitalWallets.length, 1);

      // Deleting the wallet application disables the wallets; credentials stay ISSUED.
      assert.equal(
        (
          await server().request(
            'DELETE',
            `/v1/environments/${ENV}/digitalWalletApplications/${walletApp.body.id}`,
          )
        ).status,
        204,
      );
      assert.equal((await server().request('GET', `${wallets}/${wallet.body.id}`)).body.status, 'DISABLED');
      assert.equal((await server().request('GET', `${base}/${issued.body.id}`)).body.status, 'ISSUED');

      // Deleting the user removes their credentials and wallets (ON DELETE CASCADE).
      await server().services.store.transaction((trx) => deleteUser(trx, user.id));
      const left = await server()
        .services.store.db.selectFrom('user_credentials')
        .select('id')
        .where('user_id', '=', user.id)
        .execute();
      assert.equal(left.length, 0);
      const wallLeft = await server()
        .services.store.db.selectFrom('digital_wallets')
        .select('id')
        .where('user_id', '=', user.id)
        .execute();
      assert.equal(wallLeft.length, 0);
    });

    it('deletes credentials with their type unless onDelete says otherwise', async () => {
      const { type, base } = await setup('Doomed Card');
      const keep = (
        await server().request('POST', `/v1/environments/${ENV}/credentialTypes`, {
          body: { ...managedType('Kept Card'), onDelete: { revokeIssuedCredentials: false } },
        })
      ).body;
      const a = await server().request('POST', base, {
        body: { credentialType: { id: type.id }, data: { Limitations: 'x' } },
      });
      const b = await server().request('POST', base, {
        body: { credentialType: { id: keep.id }, data: { Limitations: 'x' } },
      });
      await server()
        .services.store.db.updateTable('user_credentials')
        .set({ status: 'ISSUED' })
        .where('id', '=', b.body.id)
        .execute();
      await server().request('DELETE', `/v1/environments/${ENV}/credentialTypes/${type.id}`);
      await server().request('DELETE', `/v1/environments/${ENV}/credentialTypes/${keep.id}`);
      assert.equal((await server().request('GET', `${base}/${a.body.id}`)).status, 404);
      assert.equal((await server().request('GET', `${base}/${b.body.id}`)).status, 200);
    });
  },
  QUIET,
);
