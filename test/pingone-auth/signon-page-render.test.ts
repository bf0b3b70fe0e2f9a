import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  SIGN_ON_RELS,
  CSRF,
  ENV,
  FLOW_ID,
  FORM_URL,
  HOSTILE,
  NONCE,
  STANDARD,
  flow,
  labelled,
  postForms,
  render,
} from './signon-page-fixtures.js';

describe('sign-on page rendering', () => {
  it('draws the sign-on screen: labelled fields, every link the flow offers, CSRF and action in each form', () => {
    const { status, root, html } = render({ flow: flow('USERNAME_PASSWORD_REQUIRED', SIGN_ON_RELS) });
    assert.equal(status, 200);
    assert.ok(html.startsWith('<!doctype html>'));
    assert.equal(root.querySelector('html')?.getAttribute('lang'), 'en');
    assert.equal(
      root.querySelector('meta[name=viewport]')?.getAttribute('content'),
      'width=device-width, initial-scale=1',
    );
    assert.equal(root.querySelector('style')?.getAttribute('nonce'), NONCE);
    assert.equal(root.querySelectorAll('script').length, 0);
    assert.equal(root.querySelector('h1')?.text, 'Sign on to Acme Portal');

    const username = labelled(root, 'Username');
    assert.equal(username.getAttribute('name'), 'username');
    assert.equal(username.getAttribute('autocomplete'), 'username');
    const password = labelled(root, 'Password');
    assert.equal(password.getAttribute('type'), 'password');
    assert.equal(password.getAttribute('autocomplete'), 'current-password');

    const forms = postForms(root);
    assert.deepEqual(
      forms.map((f) => f.action),
      ['usernamePassword.check', 'session.reset'],
    );
    for (const f of forms) {
      assert.equal(f.url, FORM_URL);
      assert.equal(f.form.querySelector('input[name=csrfToken]')?.getAttribute('value'), CSRF);
    }
    assert.equal(forms[1]!.form.querySelector('button')?.text, 'Use another account');
    const hrefs = Object.fromEntries(root.querySelectorAll('a').map((a) => [a.text, a.getAttribute('href')]));
    assert.equal(hrefs['Forgot password?'], `${FORM_URL}&view=forgotPassword`);
    assert.equal(hrefs['Register'], `${FORM_URL}&view=register`);
  });

  it('leaves out Forgot password, Register and Use another account when the flow does not offer them', () => {
    const { root } = render({
      flow: flow('USERNAME_PASSWORD_REQUIRED', ['usernamePassword.check'], { application: { id: 'a' } }),
    });
    assert.equal(root.querySelector('h1')?.text, 'Sign on');
    assert.equal(root.querySelectorAll('a').length, 0);
    assert.deepEqual(
      postForms(root).map((f) => f.action),
      ['usernamePassword.check'],
    );
    // A view the flow does not offer falls back to the sign-on screen.
    const forgot = render({
      flow: flow('USERNAME_PASSWORD_REQUIRED', ['usernamePassword.check']),
      view: 'forgotPassword',
    });
    assert.equal(postForms(forgot.root)[0]!.action, 'usernamePassword.check');
  });

  it('escapes a hostile application name, username and flow id', () => {
    const hostileFlow = flow('PASSWORD_REQUIRED', ['usernamePassword.check'], {
      id: `${FLOW_ID}"><b`,
      application: { id: 'a', name: HOSTILE },
      _embedded: { user: { id: 'u', username: HOSTILE } },
    });
    const { html, root } = render({ flow: hostileFlow, values: { username: HOSTILE } });
    assert.ok(!html.includes('<script>'), 'raw script tag in output');
    assert.ok(!html.includes('"><b'), 'flow id broke out of an attribute');
    assert.equal(root.querySelectorAll('script, b').length, 0);
    assert.equal(root.querySelector('h1')?.text, `Sign on to ${HOSTILE}`);
    assert.equal(root.querySelector('title')?.text, `Sign on to ${HOSTILE}`);
    const username = labelled(root, 'Username');
    assert.equal(username.getAttribute('value'), HOSTILE);
    assert.ok(username.hasAttribute('readonly'));
    assert.equal(postForms(root)[0]!.url, `/${ENV}/signon/?flowId=${encodeURIComponent(`${FLOW_ID}"><b`)}`);
  });

  it('asks only for the password when the session knows the user', () => {
    const { root } = render({
      flow: flow('PASSWORD_REQUIRED', ['usernamePassword.check'], {
        _embedded: { user: { id: 'u', username: 'alice' } },
      }),
    });
    assert.equal(labelled(root, 'Username').getAttribute('value'), 'alice');
    assert.equal(labelled(root, 'Password').getAttribute('autocomplete'), 'current-password');
    assert.ok(labelled(root, 'Password').hasAttribute('autofocus'));
  });

  it('lists the policy rules in plain words on the must-change screen', () => {
    const { root } = render({
      flow: flow('MUST_CHANGE_PASSWORD', ['password.reset'], {
        _embedded: { passwordPolicy: STANDARD, user: { id: 'u', username: 'alice' } },
      }),
    });
    assert.equal(root.querySelector('h1')?.text, 'Change your password');
    assert.equal(labelled(root, 'Current password').getAttribute('autocomplete'), 'current-password');
    const fresh = labelled(root, 'New password');
    assert.equal(fresh.getAttribute('autocomplete'), 'new-password');
    assert.equal(fresh.getAttribute('aria-describedby'), 'password-rules');
    assert.equal(labelled(root, 'Confirm new password').getAttribute('autocomplete'), 'new-password');
    assert.deepEqual(
      root.querySelectorAll('#password-rules li').map((li) => li.text),
      [
        'Between 8 and 255 characters long',
        'At least 1 special character (~!@#$%^&*()-_=+[]{}|;:,.<>/?), 1 digit (0–9), 1 uppercase letter (A–Z), 1 lowercase letter (a–z)',
        'No character repeated more than 2 times in a row',
        'At least 5 different characters',
        'Not a commonly used password',
        'Not the same as your username, email or name',
        'Not too similar to your current password',
        'Not one of your last 6 passwords',
      ],
    );
    assert.equal(postForms(root)[0]!.action, 'password.reset');
    assert.equal(root.querySelector('input[autocomplete=username]')?.getAttribute('value'), 'alice');
  });

  it('says the password has expired on the expired screen, with the same form', () => {
    const { root } = render({ flow: flow('PASSWORD_EXPIRED', ['password.reset']) });
    assert.equal(root.querySelector('h1')?.text, 'Your password has expired');
    assert.match(root.querySelector('.lead')!.text, /has expired/);
    labelled(root, 'Current password');
    labelled(root, 'New password');
    assert.equal(postForms(root)[0]!.action, 'password.reset');
    assert.equal(root.querySelector('#password-rules'), null, 'no policy, no rules box');
  });

  it('draws the forgot-password form and the recovery-code screen with resend', () => {
    const forgot = render({
      flow: flow('USERNAME_PASSWORD_REQUIRED', SIGN_ON_RELS),
      view: 'forgotPassword',
      values: { username: 'bob' },
    });
    assert.equal(labelled(forgot.root, 'Username').getAttribute('value'), 'bob');
    assert.deepEqual(
      postForms(forgot.root).map((f) => f.action),
      ['password.forgot'],
    );
    const { root } = render({
      flow: flow('RECOVERY_CODE_REQUIRED', ['password.recover', 'password.sendRecoveryCode']),
    });
    assert.equal(labelled(root, 'Recovery code').getAttribute('autocomplete'), 'one-time-code');
    labelled(root, 'New password');
    labelled(root, 'Confirm new password');
    assert.deepEqual(
      postForms(root).map((f) => [f.action, f.form.querySelector('button')?.text]),
      [
        ['password.recover', 'Reset password'],
        ['password.sendRecoveryCode', 'Resend code'],
      ],
    );
  });

  it('draws the registration form', () => {
    const { root } = render({
      flow: flow('USERNAME_PASSWORD_REQUIRED', SIGN_ON_RELS, { _embedded: { passwordPolicy: STANDARD } }),
      view: 'register',
    });
    assert.equal(root.querySelector('h1')?.text, 'Create your account for Acme Portal');
    assert.equal(labelled(root, 'Username').getAttribute('autocomplete'), 'username');
    assert.equal(labelled(root, 'Email').getAttribute('type'), 'email');
    assert.equal(labelled(root, 'Password').getAttribute('autocomplete'), 'new-password');
    assert.equal(labelled(root, 'Confirm password').getAttribute('autocomplete'), 'new-password');
    assert.ok(root.querySelectorAll('#password-rules li').length > 0);
    assert.equal(postForms(root)[0]!.action, 'user.register');
  });

  it('sends COMPLETED and FAILED to resumeUrl by refresh, with a no-JavaScript Continue form', () => {
    const resumeUrl = `https://auth.example.test/${ENV}/as/resume?flowId=${FLOW_ID}`;
    for (const status of ['COMPLETED', 'FAILED']) {
      const { root } = render({ flow: flow(status, [], { resumeUrl }) });
      assert.equal(
        root.querySelector('meta[http-equiv=refresh]')?.getAttribute('content'),
        `0;url=${resumeUrl}`,
      );
      const form = root.querySelector('form');
      assert.equal(form?.getAttribute('method'), 'get');
      assert.equal(form?.getAttribute('action'), `https://auth.example.test/${ENV}/as/resume`);
      assert.equal(form?.querySelector('input[name=flowId]')?.getAttribute('value'), FLOW_ID);
      assert.equal(form?.querySelector('button')?.text, 'Continue');
    }
    const hostile = render({ flow: flow('COMPLETED', [], { resumeUrl: 'javascript:alert(1)' }) });
    assert.equal(hostile.root.querySelector('meta[http-equiv=refresh]'), null);
    assert.equal(hostile.root.querySelectorAll('form, a').length, 0);
  });

  it('answers 404 with a start-again page for an expired or unknown flow', () => {
    for (const input of [
      { flow: null },
      { flow: flow('USERNAME_PASSWORD_REQUIRED', []), error: { code: 'NOT_FOUND', message: 'gone' } },
    ]) {
      const { status, root } = render(input);
      assert.equal(status, 404);
      assert.equal(root.querySelector('h1')?.text, 'This sign-on has expired');
      assert.match(root.querySelector('.lead')!.text, /Start again from your application/);
      assert.equal(root.querySelectorAll('form').length, 0);
    }
  });

  it('explains a status it has no screen for, offering another account', () => {
    const { status, root } = render({ flow: flow('OTP_REQUIRED', ['session.reset']) });
    assert.equal(status, 200);
    assert.equal(root.querySelector('h1')?.text, 'This sign-on step is not available here');
    assert.deepEqual(
      postForms(root).map((f) => f.action),
      ['session.reset'],
    );
  });

  it('uses the public base URL for form actions when given', () => {
    const { root } = render({
      flow: flow('USERNAME_PASSWORD_REQUIRED', ['usernamePassword.check']),
      baseUrl: 'https://id.example.test/',
    });
    assert.equal(postForms(root)[0]!.url, `https://id.example.test/${ENV}/signon/?flowId=${FLOW_ID}`);
  });
});
