import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionDescription, defaultResultDescription } from '../../src/core/activities/activity.js';

describe('activity texts (worked out once per action type)', () => {
  it('describe the action in Title Case, the same on every call', () => {
    for (let call = 0; call < 2; call += 1) {
      assert.equal(actionDescription('MEMBER_OF_GROUP.CREATED'), 'Member Of Group Created');
      assert.equal(actionDescription('USER.PASSWORD_CHECK_FAILED'), 'User Password Check Failed');
    }
  });

  it('put created, updated and deleted first, and name the resource after a colon otherwise', () => {
    const ada = { type: 'USER', id: 'u-1', name: 'ada' };
    for (let call = 0; call < 2; call += 1) {
      assert.equal(defaultResultDescription('USER.UPDATED', ada), 'Updated User ada');
      assert.equal(defaultResultDescription('USER.UPDATED', undefined), 'Updated User');
      assert.equal(defaultResultDescription('MEMBER_OF_GROUP.DELETED', ada), 'Deleted Member Of Group ada');
      assert.equal(defaultResultDescription('USER.LOCKED', ada), 'User Locked: ada');
      assert.equal(defaultResultDescription('USER.LOCKED', undefined), 'User Locked');
      // Without a name, the resource's id.
      assert.equal(defaultResultDescription('USER.LOCKED', { type: 'USER', id: 'u-2' }), 'User Locked: u-2');
      assert.equal(defaultResultDescription('USER.CREATED', { type: 'USER', id: 'u-2' }), 'Created User u-2');
    }
  });
});
