import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createEnvironment } from '../support/fixtures.js';
import { describeStores, type TestServer } from '../support/harness.js';
import { TestSmsProvider, TestSmtpServer } from '../support/smtp.js';

const QUIET = { env: { TESSERA_SCHEDULER_INTERVAL_MS: '3600000' } };

async function newUser(
  server: TestServer,
  envId: string,
  username: string,
  profile: Record<string, unknown> = {},
) {
  const env = await server.services.environments.require(envId);
  return server.services.store.transaction((trx) =>
    server.services.users.insertWithin(trx, env, {
      username,
      email: `${username}@example.test`,
      profile: profile as never,
    }),
  );
}

async function managedType(server: TestServer, envId: string) {
  const created = await server.request('POST', `/v1/environments/${envId}/credentialTypes`, {
    body: {
      title: 'Driver Licence',
      management: { mode: 'MANAGED' },
      metadata: {
        fields: [{ id: 'Alphanumeric Text -> Limitations', title: 'Limitations', type: 'Alphanumeric Text' }],
      },
    },
  });
  assert.equal(created.status, 201, created.text);
  return created.body as { id: string };
}

describeStores(
  'notification templates and settings',
  (server) => {
    it('lists the predefined templates and manages contents', async () => {
      const envId = await createEnvironment(server(), 'Templates Env');
      const templates = await server().request('GET', `/v1/environments/${envId}/templates`);
      assert.equal(templates.status, 200);
      const names = templates.body._embedded.templates.map((t: { id: string }) => t.id);
      for (const name of [
        'credential_issued',
        'credential_updated',
        'credential_revoked',
        'recovery_code_template',
      ])
        assert.ok(names.includes(name));
      const one = await server().request('GET', `/v1/environments/${envId}/templates/credential_updated`);
      assert.deepEqual(one.body.deliveryMethods, ['Email', 'SMS']);
      assert.equal(one.body.variables['credential.name'].required, false);
      assert.equal((await server().request('GET', `/v1/environments/${envId}/templates/nope`)).status, 404);

      const base = `/v1/environments/${envId}/templates/credential_updated/contents`;
      const defaults = await server().request('GET', base);
      assert.equal(defaults.status, 200);
      assert.equal(defaults.body._embedded.contents.length, 2);
      const defaultEmail = defaults.body._embedded.contents.find(
        (c: { deliveryMethod: string }) => c.deliveryMethod === 'Email',
      );
      assert.equal(defaultEmail.default, true);
      assert.equal(defaultEmail.locale, 'en');
      assert.equal(
        (
          await server().request('PUT', `${base}/${defaultEmail.id}`, {
            body: { deliveryMethod: 'Email', locale: 'en', body: 'x' },
          })
        ).status,
        400,
      );
      assert.equal((await server().request('DELETE', `${base}/${defaultEmail.id}`)).status, 400);

      const created = await server().request('POST', base, {
        body: {
          deliveryMethod: 'Email',
          locale: 'fr_CA',
          variant: 'Formal',
          subject: 'Mise à jour',
          body: '<p>${credential.name}</p>',
        },
      });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.locale, 'fr-ca');
      assert.equal(created.body.default, false);
      assert.equal(created.body.emailContentType, 'text/html');
      const duplicate = await server().request('POST', base, {
        body: { deliveryMethod: 'Email', locale: 'fr-CA', variant: 'Formal', body: 'x' },
      });
      assert.equal(duplicate.status, 400);
      const otherCase = await server().request('POST', base, {
        body: { deliveryMethod: 'Email', locale: 'fr-ca', variant: 'formal', body: 'x' },
      });
      assert.equal(otherCase.status, 400, 'variants are unique case-insensitively');
      assert.equal(otherCase.body.details[0].code, 'UNIQUENESS_VIOLATION');
      const noBody = await server().request('POST', base, {
        body: { deliveryMethod: 'Email', locale: 'de' },
      });
      assert.equal(noBody.status, 400);
      const replaced = await server().request('PUT', `${base}/${created.body.id}`, {
        body: { deliveryMethod: 'Email', locale: 'fr-CA', variant: 'Formal', subject: 'Nouveau', body: 'b' },
      });
      assert.equal(replaced.status, 200);
      assert.equal(replaced.body.subject, 'Nouveau');
      const relocale = await server().request('PUT', `${base}/${created.body.id}`, {
        body: { deliveryMethod: 'Email', locale: 'de', body: 'b' },
      });
      assert.equal(relocale.status, 400);
      assert.equal((await server().request('GET', `${base}/${created.body.id}`)).body.subject, 'Nouveau');
      assert.equal((await server().request('DELETE', `${base}/${created.body.id}`)).status, 204);
      assert.equal((await server().request('GET', `${base}/${created.body.id}`)).status, 404);
      const upper = await server().request('POST', base, {
        body: { deliveryMethod: 'SMS', locale: 'es', content: 'Hola' },
      });
      assert.equal(upper.status, 201);
      assert.equal(upper.body.deliveryMethod, 'SMS');
      const push = await server().request('POST', base, {
        body: { deliveryMethod: 'Push', locale: 'es', body: 'x' },
      });
      assert.equal(push.status, 400);
    });

    it('deletes an environment with its credentials, contents, settings and messages', async () => {
      const envId = await createEnvironment(server(), 'Doomed Env');
      const type = await managedType(server(), envId);
      const user = await newUser(server(), envId, 'gone');
      await server().request('POST', `/v1/environments/${envId}/templates/credential_issued/contents`, {
        body: { deliveryMethod: 'Email', locale: 'de', body: 'Hallo' },
      });
      const created = await server().request(
        'POST',
        `/v1/environments/${envId}/users/${user.id}/credentials`,
        {
          body: { credentialType: { id: type.id }, notification: { methods: ['EMAIL'] } },
        },
      );
      assert.equal(created.status, 201, created.text);
      assert.equal((await server().request('DELETE', `/v1/environments/${envId}`)).status, 204);
      const left = await server()
        .services.store.db.selectFrom('notification_outbox')
        .select('id')
        .where('environment_id', '=', envId)
        .execute();
      assert.equal(left.length, 0);
    });

    it('stores email and phone delivery settings without ever returning secrets', async () => {
      const envId = await createEnvironment(server(), 'Settings Env');
      const base = `/v1/environments/${envId}/notificationsSettings`;
      const general = await server().request('GET', base);
      assert.equal(general.status, 200);
      assert.equal(general.body.deliveryMode, 'ALL');
      const put = await server().request('PUT', base, {
        body: { from: { name: 'Acme', address: 'noreply@acme.test' } },
      });
      assert.equal(put.status, 200);
      assert.equal(put.body.from.address, 'noreply@acme.test');

      assert.equal((await server().request('GET', `${base}/emailDeliverySettings`)).status, 404);
      const smtp = await server().request('PUT', `${base}/emailDeliverySettings`, {
        body: {
          host: 'smtp.acme.test',
          port: 587,
          username: 'acme',
          password: 'secret-password-1',
          from: { address: 'a@acme.test' },
        },
      });
      assert.equal(smtp.status, 200, smtp.text);
      assert.equal(smtp.body.protocol, 'SMTP');
      assert.equal(smtp.body.password, undefined);
      assert.ok(!smtp.text.includes('secret-password-1'));
      const read = await server().request('GET', `${base}/emailDeliverySettings`);
      assert.equal(read.body.host, 'smtp.acme.test');
      assert.ok(!read.text.includes('secret-password-1'));
      const smtps = await server().request('PUT', `${base}/emailDeliverySettings`, {
        body: { host: 'smtp.acme.test', username: 'acme', password: 'p' },
      });
      assert.equal(smtps.body.port, 465);
      assert.equal(smtps.body.protocol, 'SMTPS');
      const noPassword = await server().request('PUT', `${base}/emailDeliverySettings`, {
        body: { host: 'h', username: 'u' },
      });
      assert.equal(noPassword.status, 400);
      const noLogin = await server().request('PUT', `${base}/emailDeliverySettings`, {
        body: { host: 'localhost', port: 1025 },
      });
      assert.equal(noLogin.status, 200, noLogin.text);
      assert.equal(noLogin.body.username, undefined);

      const phone = await server().request('POST', `${base}/phoneDeliverySettings`, {
        body: {
          provider: 'CUSTOM_PROVIDER',
          name: 'My SMS',
          authentication: { method: 'BEARER', authToken: 'sms-token-secret' },
          requests: [
            {
              deliveryMethod: 'SMS',
              url: 'https://sms.acme.test/send',
              method: 'POST',
              body: '{"to":"${to}","text":"${message}"}',
              headers: { 'content-type': 'application/json' },
            },
          ],
        },
      });
      assert.equal(phone.status, 201, phone.text);
      assert.ok(!phone.text.includes('sms-token-secret'));
      assert.equal(phone.body.authentication.method, 'BEARER');
      const twilio = await server().request('POST', `${base}/phoneDeliverySettings`, {
        body: {
          provider: 'CUSTOM_TWILIO',
          requests: [{ deliveryMethod: 'SMS', url: 'https://x.test', method: 'POST' }],
        },
      });
      assert.equal(twilio.status, 400);
      const list = await server().request('GET', `${base}/phoneDeliverySettings`);
      assert.equal(list.body._embedded.phoneDeliverySettings.length, 1);
      const chain = await server().request('PUT', base, {
        body: { smsProvidersFallbackChain: [phone.body.id] },
      });
      assert.equal(chain.status, 200);
      const badChain = await server().request('PUT', base, { body: { smsProvidersFallbackChain: ['nope'] } });
      assert.equal(badChain.status, 400);
      assert.equal(
        (await server().request('DELETE', `${base}/phoneDeliverySettings/${phone.body.id}`)).status,
        204,
      );
      assert.equal((await server().request('DELETE', `${base}/emailDeliverySettings`)).status, 204);
    });
  },
  QUIET,
);

describeStores(
  'notification delivery',
  (server) => {
    const smtp = new TestSmtpServer();
    const sms = new TestSmsProvider();
    before(async () => {
      await smtp.start(0);
      await sms.start();
    });
    after(async () => {
      await smtp.stop();
      await sms.stop();
    });

    it('sends credential_updated over SMTP in the requested locale and variant, and records the results', async () => {
      const envId = await createEnvironment(server(), 'Delivery Env');
      // No protocol override: port-derived SMTPS, then plain SMTP because the test server is local.
      const configured = await server().request(
        'PUT',
        `/v1/environments/${envId}/notificationsSettings/emailDeliverySettings`,
        {
          body: smtp.settings({ plain: false }),
        },
      );
      assert.equal(configured.status, 200);
      assert.equal(configured.body.protocol, 'SMTPS');
      const contents = `/v1/environments/${envId}/templates/credential_updated/contents`;
      await server().request('POST', contents, {
        body: {
          deliveryMethod: 'Email',
          locale: 'fr',
          variant: 'Formal',
          subject: 'Votre ${credential.name} a changé',
          body: '<p>Madame, Monsieur ${user.name.family}, ${credential.name}</p>',
        },
      });
      await server().request('POST', contents, {
        body: {
          deliveryMethod: 'Email',
          locale: 'fr',
          subject: 'Salut ${user.name.given}',
          body: '<p>Bonjour</p>',
        },
      });
      const type = await managedType(server(), envId);
      const user = await newUser(server(), envId, 'marie', {
        name: { given: 'Marie', family: '<Curie>' },
        preferredLanguage: 'de',
      });
      const base = `/v1/environments/${envId}/users/${user.id}/credentials`;
      const created = await server().request('POST', base, {
        body: { credentialType: { id: type.id }, data: { Limitations: 'a' } },
      });
      assert.equal(created.body.notification, undefined, 'no notification object, nothing sent');

      const updated = await server().request('PUT', `${base}/${created.body.id}`, {
        body: {
          credentialType: { id: type.id },
          data: { Limitations: 'b' },
          notification: { methods: ['EMAIL'], template: { locale: 'fr-CA', variant: 'Formal' } },
        },
      });
      assert.equal(updated.status, 200, updated.text);
      const result = updated.body.notification.results[0];
      assert.equal(result.method, 'EMAIL');
      assert.equal(result.sent, true);
      assert.ok(result.notification.id);
      assert.equal(updated.body.notification.template.variant, 'Formal');

      const before = smtp.received.length;
      await server().services.scheduler.runOnce();
      assert.equal(smtp.received.length, before + 1);
      const mail = smtp.received[smtp.received.length - 1]!;
      assert.deepEqual(mail.envelopeTo, ['marie@example.test']);
      assert.equal(mail.parsed.subject, 'Votre Driver Licence a changé');
      // fr-CA falls back to fr; the variable is HTML-escaped in the HTML body.
      assert.ok(
        String(mail.parsed.html).includes('Madame, Monsieur &lt;Curie&gt;, Driver Licence'),
        String(mail.parsed.html),
      );
      assert.equal(mail.parsed.headers.get('content-language'), 'fr');
      assert.equal(mail.parsed.from?.value[0]?.address, 'tessera@example.test');

      // An unknown variant falls back to the default content of the locale.
      await server().request('PUT', `${base}/${created.body.id}`, {
        body: {
          credentialType: { id: type.id },
          data: { Limitations: 'c' },
          notification: { template: { locale: 'fr', variant: 'Unknown' } },
        },
      });
      // No locale: the user's preferred language (de, no content) falls back to the environment default (en).
      await server().request('PUT', `${base}/${created.body.id}`, {
        body: {
          credentialType: { id: type.id },
          data: { Limitations: 'd' },
          notification: { methods: ['EMAIL'], template: {} },
        },
      });
      await server().services.scheduler.runOnce();
      const [plain, english] = smtp.received.slice(-2);
      assert.equal(plain!.parsed.subject, 'Salut Marie');
      assert.equal(english!.parsed.subject, 'Your Driver Licence credential was updated');
      await server().services.scheduler.runOnce();
      assert.equal(smtp.received.length, before + 3, 'each message is sent once');
    });

    it('delivers to a local test server that accepts mail without a login', async () => {
      const open = await new TestSmtpServer('nobody', 'unused', true).start(0);
      try {
        const envId = await createEnvironment(server(), 'Open Smtp Env');
        await server().request(
          'PUT',
          `/v1/environments/${envId}/notificationsSettings/emailDeliverySettings`,
          {
            body: { host: 'localhost', port: open.port, username: 'someone', password: 'not-a-valid-login' },
          },
        );
        const type = await managedType(server(), envId);
        const user = await newUser(server(), envId, 'otto');
        const created = await server().request(
          'POST',
          `/v1/environments/${envId}/users/${user.id}/credentials`,
          {
            body: { credentialType: { id: type.id }, notification: { methods: ['EMAIL'] } },
          },
        );
        assert.equal(created.status, 201, created.text);
        await server().services.scheduler.runOnce();
        assert.equal(open.received.length, 1);
        assert.equal(open.received[0]!.parsed.subject, 'Your Driver Licence credential was issued');
      } finally {
        await open.stop();
      }
    });

    it('sends SMS through the custom HTTP provider', async () => {
      const envId = await createEnvironment(server(), 'Sms Env');
      const phone = await server().request(
        'POST',
        `/v1/environments/${envId}/notificationsSettings/phoneDeliverySettings`,
        {
          body: {
            provider: 'CUSTOM_PROVIDER',
            name: 'Test provider',
            authentication: { method: 'BASIC', username: 'smsuser', password: 'smspass' },
            requests: [
              {
                deliveryMethod: 'SMS',
                url: `${sms.url}?to=\${to}`,
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: '{"to":"${to}","text":"${message}"}',
              },
            ],
          },
        },
      );
      assert.equal(phone.status, 201, phone.text);
      const type = await managedType(server(), envId);
      const user = await newUser(server(), envId, 'sam', { mobilePhone: '+1 555 0100' });
      const created = await server().request(
        'POST',
        `/v1/environments/${envId}/users/${user.id}/credentials`,
        {
          body: {
            credentialType: { id: type.id },
            data: { Limitations: 'a' },
            notification: { methods: ['SMS', 'EMAIL'] },
          },
        },
      );
      assert.equal(created.status, 201, created.text);
      const results = created.body.notification.results;
      assert.equal(results.find((r: { method: string }) => r.method === 'SMS').sent, true);
      await server().services.scheduler.runOnce();
      const request = sms.received[sms.received.length - 1]!;
      assert.equal(request.method, 'POST');
      assert.equal(request.url, '/sms?to=%2B1%20555%200100');
      assert.equal(
        request.headers.authorization,
        'Basic ' + Buffer.from('smsuser:smspass').toString('base64'),
      );
      assert.deepEqual(JSON.parse(request.body), {
        to: '+1 555 0100',
        text: 'Your Driver Licence credential was issued.',
      });
    });

    it('sends credential_revoked once when an expiry is processed', async () => {
      const envId = await createEnvironment(server(), 'Expiry Env');
      await server().request('PUT', `/v1/environments/${envId}/notificationsSettings/emailDeliverySettings`, {
        body: smtp.settings(),
      });
      const type = await managedType(server(), envId);
      const user = await newUser(server(), envId, 'ed');
      const created = await server().request(
        'POST',
        `/v1/environments/${envId}/users/${user.id}/credentials`,
        {
          body: {
            credentialType: { id: type.id },
            expiresAt: new Date(server().clock.now() + 5_000).toISOString(),
            notification: { methods: ['EMAIL'] },
          },
        },
      );
      assert.equal(created.status, 201, created.text);
      await server().services.scheduler.runOnce();
      const count = smtp.received.length;
      server().clock.advance(5_000);
      await server().services.scheduler.runOnce();
      await server().services.scheduler.runOnce();
      assert.equal(smtp.received.length, count + 1);
      assert.equal(smtp.received[count]!.parsed.subject, 'Your Driver Licence credential was revoked');
    });
  },
  QUIET,
);
