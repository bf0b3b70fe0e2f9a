import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSignOnForm, type ParsedSignOnForm } from '../../src/pingone-auth/signon-page/index.js';
import { CSRF } from './signon-page-fixtures.js';

function ok(parsed: ParsedSignOnForm) {
  assert.ok(parsed.ok, `expected a valid form, got ${JSON.stringify(parsed)}`);
  return parsed;
}

function failed(parsed: ParsedSignOnForm) {
  assert.ok(!parsed.ok, 'expected a form error');
  return parsed;
}

const targets = (parsed: ParsedSignOnForm) => failed(parsed).error.details?.map((d) => [d.code, d.target]);

describe('parseSignOnForm', () => {
  it('maps a sign-on to usernamePassword.check, trimming the username but never the password', () => {
    const parsed = ok(
      parseSignOnForm({
        action: 'usernamePassword.check',
        csrfToken: CSRF,
        username: ' alice ',
        password: ' pw ',
      }),
    );
    assert.equal(parsed.action, 'usernamePassword.check');
    assert.equal(parsed.mediaType, 'application/vnd.pingidentity.usernamePassword.check+json');
    assert.deepEqual(parsed.fields, { username: 'alice', password: ' pw ' });
    assert.equal(parsed.csrfToken, CSRF);
    assert.deepEqual(parsed.values, { username: 'alice' });
  });

  it('maps password.reset to {currentPassword, newPassword} once the confirmation matches', () => {
    const body = { action: 'password.reset', csrfToken: CSRF, currentPassword: 'old', newPassword: 'New-1' };
    assert.deepEqual(ok(parseSignOnForm({ ...body, confirmPassword: 'New-1' })).fields, {
      currentPassword: 'old',
      newPassword: 'New-1',
    });
    const mismatch = failed(parseSignOnForm({ ...body, confirmPassword: 'New-2' }));
    assert.equal(mismatch.action, 'password.reset');
    assert.equal(mismatch.error.code, 'INVALID_DATA');
    assert.deepEqual(mismatch.error.details, [
      { code: 'INVALID_VALUE', target: 'confirmPassword', message: 'The passwords do not match.' },
    ]);
    assert.deepEqual(targets(parseSignOnForm(body)), [['REQUIRED_VALUE', 'confirmPassword']]);
  });

  it('maps password.recover, password.forgot, user.register and user.verify to their Flows API bodies', () => {
    assert.deepEqual(
      ok(
        parseSignOnForm({
          action: 'password.recover',
          recoveryCode: ' AB12CD34 ',
          newPassword: 'x',
          confirmPassword: 'x',
        }),
      ).fields,
      { recoveryCode: 'AB12CD34', newPassword: 'x' },
    );
    const forgot = ok(parseSignOnForm({ action: 'password.forgot', username: 'bob' }));
    assert.deepEqual(forgot.fields, { username: 'bob' });
    assert.equal(forgot.view, 'forgotPassword');
    const register = ok(
      parseSignOnForm({
        action: 'user.register',
        username: 'carol',
        email: 'carol@example.test',
        password: 'pw',
        confirmPassword: 'pw',
      }),
    );
    assert.deepEqual(register.fields, { username: 'carol', email: 'carol@example.test', password: 'pw' });
    assert.equal(register.view, 'register');
    assert.deepEqual(ok(parseSignOnForm({ action: 'user.verify', verificationCode: '123456' })).fields, {
      verificationCode: '123456',
    });
  });

  it('sends no body for the actions that take none', () => {
    for (const action of ['password.sendRecoveryCode', 'session.reset', 'user.sendVerificationCode']) {
      const parsed = ok(parseSignOnForm({ action, csrfToken: CSRF, username: 'ignored' }));
      assert.deepEqual(parsed.fields, {});
      assert.equal(parsed.mediaType, `application/vnd.pingidentity.${action}+json`);
    }
  });

  it('reports every missing or malformed field at once, keeping username and email to show again', () => {
    const parsed = failed(
      parseSignOnForm({ action: 'user.register', username: '  ', email: 'not-an-email', password: 'pw' }),
    );
    assert.deepEqual(targets(parsed), [
      ['REQUIRED_VALUE', 'username'],
      ['INVALID_VALUE', 'email'],
      ['REQUIRED_VALUE', 'confirmPassword'],
    ]);
    assert.equal(parsed.view, 'register');
    assert.deepEqual(parsed.values, { username: '', email: 'not-an-email' });
  });

  it('refuses repeated and overlong fields', () => {
    assert.deepEqual(
      targets(parseSignOnForm({ action: 'usernamePassword.check', username: ['a', 'b'], password: 'x' })),
      [['INVALID_VALUE', 'username']],
    );
    assert.deepEqual(
      targets(
        parseSignOnForm({ action: 'usernamePassword.check', username: 'a', password: 'x'.repeat(1025) }),
      ),
      [['INVALID_VALUE', 'password']],
    );
    ok(parseSignOnForm({ action: 'usernamePassword.check', username: 'a', password: 'x'.repeat(1024) }));
  });

  it('refuses an unknown or missing action and a body that is not a form', () => {
    for (const body of [
      { action: 'user.delete', csrfToken: CSRF },
      { csrfToken: CSRF },
      null,
      'action=x',
      [1],
    ]) {
      const parsed = failed(parseSignOnForm(body));
      assert.equal(parsed.error.code, 'INVALID_REQUEST');
      assert.equal(parsed.action, undefined);
      assert.deepEqual(targets(parsed), [['INVALID_VALUE', 'action']]);
    }
    assert.equal(parseSignOnForm({ action: 'user.delete', csrfToken: CSRF }).csrfToken, CSRF);
  });
});
