import assert from 'node:assert/strict';
import { it } from 'node:test';
import { activitiesOf, activitiesWhere } from '../support/activities.js';
import { createEnvironment, createUser, unique } from '../support/fixtures.js';
import { BOOTSTRAP, describeStores } from '../support/harness.js';
import { lastRecoveryCode } from '../support/mailbox.js';
import { flowsApi, newSignOnApp, newSignOnUser, startFlow } from '../pingone-auth/flows-helpers.js';

/** Asserts that none of `secrets` appears anywhere in the activities given. */
function assertNoSecrets(recorded: unknown, secrets: readonly string[]) {
  const text = JSON.stringify(recorded);
  for (const secret of secrets) assert.ok(!text.includes(secret), `an activity holds a secret: ${secret}`);
}

describeStores(
  'audit activities of notifications and wallet-issued credentials',
  (server) => {
    it('records a queued credential email, and each credential a wallet’s activation issues', async () => {
      const env = await createEnvironment(server());
      const type = await server().request('POST', `/v1/environments/${env}/credentialTypes`, {
        body: {
          title: 'Audited Badge',
          management: { mode: 'MANAGED' },
          metadata: { fields: [{ id: 'f', title: 'Level', type: 'Alphanumeric Text' }] },
        },
      });
      assert.equal(type.status, 201, type.text);
      const user = await createUser(server(), env, {
        username: unique('holder'),
        email: 'holder@example.test',
      });
      const credentials = `/v1/environments/${env}/users/${user.id}/credentials`;
      const issue = (body: Record<string, unknown>) =>
        server().request('POST', credentials, {
          body: { credentialType: { id: type.body.id }, data: { Level: 'level-secret-7' }, ...body },
        });
      const notified = await issue({ notification: { methods: ['EMAIL'] } });
      assert.equal(notified.status, 201, notified.text);
      assert.equal(notified.body.status, 'PENDING');
      const silent = await issue({});
      assert.equal(silent.status, 201, silent.text);

      const [notification] = (await activitiesOf(server(), env, notified)).filter(
        (a) => a.action.type === 'NOTIFICATION.CREATED',
      );
      assert.ok(notification, 'the queued email is recorded with the request that queued it');
      assert.deepEqual(
        notification.resources.map((r) => [r.type, r.id]),
        [
          ['NOTIFICATION', notified.body.notification.results[0].notification.id],
          ['USER', user.id],
        ],
      );
      assert.equal(notification.actors.client?.id, BOOTSTRAP.clientId);
      assert.equal(notification.result.status, 'SUCCESS');
      assert.equal(
        notification.result.description,
        `Created Notification credential_issued (EMAIL) for User ${user.username as string}`,
      );

      const walletsApp = await server().request('POST', `/v1/environments/${env}/applications`, {
        body: { name: unique('wallet-app'), type: 'WORKER' },
      });
      const walletApp = await server().request('POST', `/v1/environments/${env}/digitalWalletApplications`, {
        body: {
          name: 'Audit Wallet',
          appOpenUrl: 'https://wallet.example/open',
          application: { id: walletsApp.body.id },
        },
      });
      assert.equal(walletApp.status, 201, walletApp.text);
      const wallets = `/v1/environments/${env}/users/${user.id}/digitalWallets`;
      const wallet = await server().request('POST', wallets, {
        body: { digitalWalletApplication: { id: walletApp.body.id } },
      });
      assert.equal(wallet.status, 201, wallet.text);
      const paired = await server().request('PUT', `${wallets}/${wallet.body.id as string}`, {
        body: { applicationInstance: { id: 'instance-1' } },
      });
      assert.equal(paired.status, 200, paired.text);
      const activation = await activitiesOf(server(), env, paired);
      assert.deepEqual(
        activation.map((a) => [a.action.type, a.resources[0]?.id, a.resources[1]?.id]),
        [
          ['DIGITAL_WALLET.ACTIVE', wallet.body.id, user.id],
          ['USER_CREDENTIAL.ISSUED', notified.body.id, user.id],
          ['USER_CREDENTIAL.ISSUED', silent.body.id, user.id],
        ],
      );
      assert.equal(
        activation[1]!.result.description,
        "Issued User Credential Audited Badge to the user's active digital wallet",
      );
      const ofUser = await activitiesWhere(server(), env, `resources.id eq "${user.id}"`);
      assertNoSecrets(ofUser, ['level-secret-7', 'holder@example.test']);
    });

    it('records a recovery email queued by sign-on as a system event, never the code', async () => {
      const env = await createEnvironment(server());
      const app = await newSignOnApp(server(), env);
      const user = await newSignOnUser(server(), env);
      const { flow } = await startFlow(server(), env, app);
      const forgot = await flowsApi(server(), env).post(flow.id, 'password.forgot', {
        username: user.username,
      });
      assert.equal(forgot.status, 200, forgot.text);
      const code = await lastRecoveryCode(server(), env);
      const queued = await activitiesWhere(server(), env, 'action.type eq "NOTIFICATION.CREATED"');
      assert.deepEqual(
        queued.map((a) => [a.resources[0]?.name, a.resources[1]?.id, a.correlationId]),
        [['recovery_code_template EMAIL', user.id, undefined]],
      );
      assert.deepEqual(queued[0]!.actors, {}, 'the system sent it: no actor');
      const everything = await activitiesWhere(server(), env, 'recordedAt gt "2000-01-01T00:00:00Z"');
      assertNoSecrets(everything, [code, user.password]);
    });
  },
  { env: { TESSERA_TEST_MAILBOX: 'true' } },
);
