import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ROLE_IDS } from '../../src/core/access/roles.js';
import { BOOTSTRAP, describeOnce } from '../support/harness.js';

const ENV = `/v1/environments/${BOOTSTRAP.environmentId}`;

describeOnce(
  'rate limiting',
  (server) => {
    it('answers 429 REQUEST_LIMITED with Retry-After once a client exceeds its rate, per client', async () => {
      const token = await server().adminToken();
      const first = await server().request('GET', ENV, { token });
      const second = await server().request('GET', ENV, { token });
      assert.equal(first.status, 200);
      assert.equal(second.status, 200);
      const limited = await server().request('GET', ENV, { token });
      assert.equal(limited.status, 429, limited.text);
      assert.equal(limited.body.code, 'REQUEST_LIMITED');
      assert.equal(limited.body.id, limited.headers['correlation-id']);
      const retryAfter = Number(limited.headers['retry-after']);
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1, String(limited.headers['retry-after']));
      assert.equal(limited.body.details[0].code, 'LIMIT_EXCEEDED');

      // Another client has its own allowance. (Admin token still limited.)
      const apps = `${ENV}/applications`;
      server().clock.advance(1000);
      const created = await server().request('POST', apps, {
        token,
        body: { name: 'second client', type: 'WORKER' },
      });
      assert.equal(created.status, 201, created.text);
      await server().request('POST', `${apps}/${created.body.id}/roleAssignments`, {
        token,
        body: {
          role: { id: ROLE_IDS.identityDataReadOnly },
          scope: { type: 'ENVIRONMENT', id: BOOTSTRAP.environmentId },
        },
      });
      server().clock.advance(1000);
      const secret = (await server().request('GET', `${apps}/${created.body.id}/secret`, { token })).body
        .secret;
      await server().request('GET', ENV, { token });
      await server().request('GET', ENV, { token });
      assert.equal((await server().request('GET', ENV, { token })).status, 429);
      const otherToken = await server().token(
        BOOTSTRAP.environmentId,
        created.body.id as string,
        secret as string,
      );
      assert.equal((await server().request('GET', ENV, { token: otherToken })).status, 200);

      // The allowance refills with time.
      server().clock.advance(retryAfter * 1000);
      assert.equal((await server().request('GET', ENV, { token })).status, 200);
    });
  },
  { env: { TESSERA_RATE_LIMIT_PER_SECOND: '2' } },
);
