import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSignOnForm } from '../../src/pingone-auth/signon-page/index.js';
import { CSRF, SIGN_ON_RELS, STANDARD, alertText, flow, labelled, render } from './signon-page-fixtures.js';

describe('sign-on page rendering: errors', () => {
  it('shows the lockout wait in minutes or seconds', () => {
    const locked = (secondsUntilUnlock: number) =>
      alertText(
        render({
          flow: flow('USERNAME_PASSWORD_REQUIRED', SIGN_ON_RELS),
          error: {
            code: 'REQUEST_FAILED',
            message: 'The request could not be completed.',
            details: [{ code: 'PASSWORD_LOCKED_OUT', message: 'locked', innerError: { secondsUntilUnlock } }],
          },
        }).root,
      );
    assert.equal(
      locked(900),
      'Your account is locked after too many failed sign-on attempts. Try again in 15 minutes.',
    );
    assert.match(locked(61)!, /Try again in 2 minutes\.$/);
    assert.match(locked(60)!, /Try again in 1 minute\.$/);
    assert.match(locked(45)!, /Try again in 45 seconds\.$/);
  });

  it('says "Incorrect username or password" with the failures left, and answers 400', () => {
    const wrong = (innerError?: Record<string, unknown>) =>
      render({
        flow: flow('USERNAME_PASSWORD_REQUIRED', SIGN_ON_RELS),
        error: {
          code: 'INVALID_DATA',
          message: 'm',
          details: [{ code: 'INVALID_CREDENTIALS', message: 'x', ...(innerError ? { innerError } : {}) }],
        },
        values: { username: 'alice' },
      });
    const one = wrong({ failuresRemaining: 1 });
    assert.equal(one.status, 400);
    assert.equal(
      alertText(one.root),
      'Incorrect username or password. 1 attempt left before your account is locked.',
    );
    assert.equal(labelled(one.root, 'Username').getAttribute('value'), 'alice');
    assert.equal(
      labelled(one.root, 'Password').getAttribute('value'),
      undefined,
      'a password is never echoed',
    );
    assert.equal(alertText(wrong().root), 'Incorrect username or password.');
  });

  it('lists only the unmet rules of a password-requirements error', () => {
    const error = {
      code: 'INVALID_DATA',
      message: 'm',
      details: [
        {
          code: 'INVALID_VALUE',
          target: 'newPassword',
          message: 'New password did not satisfy password policy requirements',
          innerError: {
            unsatisfiedRequirements: ['minCharacters', 'length', 'minCharacters', 'minComplexity'],
            minComplexity: 'The provided password is not complex enough.',
          },
        },
      ],
    };
    const withPolicy = render({
      flow: flow('MUST_CHANGE_PASSWORD', ['password.reset'], { _embedded: { passwordPolicy: STANDARD } }),
      error,
    });
    const items = withPolicy.root.querySelectorAll('[role=alert] li').map((li) => li.text);
    assert.equal(items.length, 3);
    assert.match(items[0]!, /^At least 1 special character/);
    assert.equal(items[1], 'Between 8 and 255 characters long');
    assert.equal(
      items[2],
      'The provided password is not complex enough.',
      'a rule the policy lacks keeps the server words',
    );
    assert.equal(labelled(withPolicy.root, 'New password').getAttribute('aria-invalid'), 'true');
    assert.equal(labelled(withPolicy.root, 'Current password').getAttribute('aria-invalid'), undefined);

    const bare = render({
      flow: flow('RECOVERY_CODE_REQUIRED', ['password.recover']),
      error: {
        code: 'INVALID_DATA',
        message: 'm',
        details: [{ code: 'PASSWORD_REQUIREMENTS_NOT_MET', target: 'newPassword', message: 'Too short' }],
      },
    });
    assert.equal(alertText(bare.root), 'Your new password does not meet the requirements: Too short');
  });

  it('renders a form error from parseSignOnForm next to its field', () => {
    const parsed = parseSignOnForm({
      action: 'password.reset',
      csrfToken: CSRF,
      currentPassword: 'old',
      newPassword: 'a',
      confirmPassword: 'b',
    });
    assert.equal(parsed.ok, false);
    if (parsed.ok) return;
    const { status, root } = render({
      flow: flow('MUST_CHANGE_PASSWORD', ['password.reset']),
      error: parsed.error,
    });
    assert.equal(status, 400);
    const confirm = labelled(root, 'Confirm new password');
    assert.equal(confirm.getAttribute('aria-invalid'), 'true');
    assert.equal(
      root.querySelector(`#${confirm.getAttribute('aria-describedby')}`)?.text,
      'The passwords do not match.',
    );
    assert.equal(alertText(root), 'There is a problem: The passwords do not match.');
  });
});
