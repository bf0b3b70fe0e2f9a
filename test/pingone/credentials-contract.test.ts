import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, it } from 'node:test';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { assertContract, referenceDocument } from '../support/contract.js';
import { BOOTSTRAP, describeStores } from '../support/harness.js';

const ENV = BOOTSTRAP.environmentId;

/**
 * Validates Tessera's credentials responses against the schemas of the community OpenAPI document
 * (`$ref`s resolved by Ajv inside the document). The document marks the deprecated
 * `cardDesignTemplate` as required, so the type under test is created with one.
 */
function validators() {
  const spec: unknown = parse(readFileSync(referenceDocument('pingone-credentials.yml'), 'utf8'));
  const ajv = new Ajv.default({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(spec as object, 'credentials.yml');
  const schema = (name: string): ValidateFunction =>
    ajv.getSchema(`credentials.yml#/components/schemas/${name}`)!;
  return (name: string, body: unknown) => {
    const validate = schema(name);
    assert.ok(validate, `schema ${name}`);
    assert.ok(validate(body), `${name}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`);
  };
}

describeStores(
  'credentials contract',
  (server) => {
    let check: ReturnType<typeof validators>;
    before(() => {
      check = validators();
    });

    it('has validators that reject wrong shapes', () => {
      assert.throws(() => check('UserCredential', { user: {} }));
      assert.throws(() => check('CredentialType', { title: 'x' }));
    });

    it('answers in the shapes of the credentials OpenAPI document', async () => {
      const created = await server().request('POST', `/v1/environments/${ENV}/credentialTypes`, {
        body: {
          title: 'Contract Card',
          cardDesignTemplate: '<svg></svg>',
          management: { mode: 'MANAGED' },
          metadata: {
            name: 'Contract',
            columns: 1,
            fields: [{ id: 'Alphanumeric Text -> Level', title: 'Level', type: 'Alphanumeric Text' }],
          },
        },
      });
      assert.equal(created.status, 201, created.text);
      check('CredentialType', created.body);
      check(
        'CredentialType',
        (await server().request('GET', `/v1/environments/${ENV}/credentialTypes/${created.body.id}`)).body,
      );
      check('EntityArray', (await server().request('GET', `/v1/environments/${ENV}/credentialTypes`)).body);
      const versions = await server().request(
        'GET',
        `/v1/environments/${ENV}/credentialTypes/${created.body.id}/versions`,
      );
      check('EntityArray', versions.body);
      check('CredentialTypeVersion', versions.body._embedded.versions[0]);

      const env = await server().services.environments.require(ENV);
      const user = await server().services.store.transaction((trx) =>
        server().services.users.insertWithin(trx, env, {
          username: 'contract-user',
          email: 'contract@example.test',
        }),
      );
      const base = `/v1/environments/${ENV}/users/${user.id}/credentials`;
      const credential = await server().request('POST', base, {
        body: {
          credentialType: { id: created.body.id },
          data: { Level: 'gold' },
          notification: { methods: ['EMAIL'] },
        },
      });
      assert.equal(credential.status, 201, credential.text);
      check('UserCredential', credential.body);
      const updated = await server().request('PUT', `${base}/${credential.body.id}`, {
        body: {
          credentialType: { id: created.body.id },
          data: { Level: 'silver' },
          expiresAt: new Date(server().clock.now() + 86_400_000).toISOString(),
        },
      });
      check('UserCredential', updated.body);
      check('EntityArray', (await server().request('GET', base)).body);
      const revoked = await server().request('POST', `${base}/${credential.body.id}`, {
        contentType: 'application/vnd.pingidentity.validations.revokeCredential+json',
      });
      check('UserCredential', revoked.body);

      const apps = await server().request('GET', `/v1/environments/${ENV}/applications`);
      const walletApp = await server().request('POST', `/v1/environments/${ENV}/digitalWalletApplications`, {
        body: {
          name: 'Contract Wallet',
          appOpenUrl: 'https://wallet.example/open',
          application: { id: apps.body._embedded.applications[0].id },
        },
      });
      check('DigitalWalletApplication', walletApp.body);
      check(
        'EntityArray',
        (await server().request('GET', `/v1/environments/${ENV}/digitalWalletApplications`)).body,
      );
      const wallet = await server().request(
        'POST',
        `/v1/environments/${ENV}/users/${user.id}/digitalWallets`,
        {
          body: { digitalWalletApplication: { id: walletApp.body.id } },
        },
      );
      check('CredentialDigitalWallet', wallet.body);
      const paired = await server().request(
        'PUT',
        `/v1/environments/${ENV}/users/${user.id}/digitalWallets/${wallet.body.id}`,
        {
          body: { applicationInstance: { id: 'instance-1' } },
        },
      );
      check('CredentialDigitalWallet', paired.body);

      const missing = await server().request('GET', `${base}/0190f3a0-0000-7000-8000-000000000000`);
      assert.equal(missing.status, 404);
      check('P1Error', missing.body);
    });

    it('answers notification routes in the shapes of the PingOne management document', async () => {
      const base = `/v1/environments/${ENV}`;
      const templates = await server().request('GET', `${base}/templates`);
      assertContract('GET', '/environments/{envID}/templates', templates);
      const template = await server().request('GET', `${base}/templates/credential_issued`);
      assertContract('GET', '/environments/{envID}/templates/{templateName}', template);
      const content = await server().request('POST', `${base}/templates/credential_issued/contents`, {
        body: { deliveryMethod: 'Email', locale: 'it', subject: 'Ciao', body: '<p>Ciao</p>' },
      });
      assertContract('POST', '/environments/{envID}/templates/{templateName}/contents', content);
      const contents = await server().request('GET', `${base}/templates/credential_issued/contents`);
      assertContract('GET', '/environments/{envID}/templates/{templateName}/contents', contents);
      const settings = await server().request('PUT', `${base}/notificationsSettings`, {
        body: { from: { address: 'a@b.test' } },
      });
      assertContract('PUT', '/environments/{envID}/notificationsSettings', settings);
      const smtp = await server().request('PUT', `${base}/notificationsSettings/emailDeliverySettings`, {
        body: { host: 'smtp.example.test', port: 587, username: 'u', password: 'p' },
      });
      assertContract('PUT', '/environments/{envID}/notificationsSettings/emailDeliverySettings', smtp);
      const phone = await server().request('POST', `${base}/notificationsSettings/phoneDeliverySettings`, {
        body: {
          provider: 'CUSTOM_PROVIDER',
          name: 'P',
          authentication: { method: 'BEARER', authToken: 't' },
          requests: [
            { deliveryMethod: 'SMS', url: 'https://sms.example/send', method: 'POST', body: '${message}' },
          ],
        },
      });
      assertContract('POST', '/environments/{envID}/notificationsSettings/phoneDeliverySettings', phone);
    });
  },
  { env: { TESSERA_SCHEDULER_INTERVAL_MS: '3600000' } },
);
