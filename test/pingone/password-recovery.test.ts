import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeStores } from '../support/harness.js';
import { lastRecoveryCode } from '../support/mailbox.js';
import { newEnvironment, newUser, pw, STRONG, STRONG2, travel } from './password-helpers.js';

describeStores(
  'password recovery',
  (server) => {
    it('emails an 8-character code with recovery_code_template; the code (any case) sets a new password', async () => {
      const env = await newEnvironment(server());
      const user = await newUser(server(), env);
      const p = pw(server(), env, user);
      await p.set(STRONG);
      const sent = await p.post('password.sendRecoveryCode+json');
      assert.equal(sent.status, 200, sent.text);
      const code = await lastRecoveryCode(server(), env);
      assert.match(code, /^[A-Z0-9]{8}$/);

      const bad = await p.post('password.recover+json', { recoveryCode: 'ZZZZZZZZ', newPassword: STRONG2 });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.details[0].target, 'recoveryCode');
      assert.equal(bad.body.details[0].message, 'The provided password recovery code was invalid or expired');

      const weak = await p.post('password.recover+json', { recoveryCode: code, newPassword: 'weak' });
      assert.equal(weak.status, 400);
      assert.equal(weak.body.details[0].target, 'newPassword');

      const ok = await p.post('password.recover+json', {
        recoveryCode: code.toLowerCase(),
        newPassword: STRONG2,
      });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.body.status, 'OK');
      assert.equal((await p.check(STRONG2)).status, 200);
      // The code is single use.
      const reused = await p.post('password.recover+json', {
        recoveryCode: code,
        newPassword: 'Another#Pass9',
      });
      assert.equal(reused.status, 400);
    });

    it('expires codes after 5 minutes and locks out after too many bad codes', async () => {
      const env = await newEnvironment(server());
      const user = await newUser(server(), env);
      const p = pw(server(), env, user);
      await p.set(STRONG);
      await p.post('password.sendRecoveryCode+json');
      const code = await lastRecoveryCode(server(), env);
      travel(server(), 5 * 60_000 + 1);
      const expired = await p.post('password.recover+json', { recoveryCode: code, newPassword: STRONG2 });
      assert.equal(expired.status, 400);
      assert.equal(expired.body.details[0].target, 'recoveryCode');
      for (let i = 0; i < 4; i += 1)
        await p.post('password.recover+json', { recoveryCode: 'AAAAAAAA', newPassword: STRONG2 });
      assert.equal((await p.get()).body.status, 'PASSWORD_LOCKED_OUT');
      // Sending a code is refused while locked out or without a password.
      assert.equal((await p.post('password.sendRecoveryCode+json')).status, 400);
      const other = await newUser(server(), env);
      assert.equal((await pw(server(), env, other).post('password.sendRecoveryCode+json')).status, 400);
    });
  },
  { env: { TESSERA_TEST_MAILBOX: 'true' } },
);
