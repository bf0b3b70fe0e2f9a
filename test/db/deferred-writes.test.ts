import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordActivity } from '../../src/core/activities/activities.repository.js';
import type { ActivityInput } from '../../src/core/activities/activity.js';
import { deferUntilCommit } from '../../src/db/prepared.js';
import type { Db } from '../../src/db/schema.js';
import { STORES, useOpenedStore } from '../support/harness.js';

// Activities of a SQLite group commit's units are inserted by their batch right before its COMMIT
// (group-commit.ts, deferUntilCommit). What every store must keep: an activity exists if and only
// if its transaction commits, and a transaction asking for them sees those committed before it.

const ENV = '0c0c0c0c-0000-4000-8000-00000000d001';

const input = (name: string): ActivityInput => ({
  environmentId: ENV,
  type: 'USER.UPDATED',
  actor: undefined,
  resources: [{ type: 'USER', id: `user-${name}`, name }],
});

async function namesIn(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('activity_resources')
    .innerJoin('activities', 'activities.id', 'activity_resources.activity_id')
    .select('activity_resources.resource_id')
    .where('activities.environment_id', '=', ENV)
    .execute();
  return rows.map((row) => row.resource_id.slice('user-'.length)).sort();
}

for (const kind of STORES) {
  describe(`activities recorded in concurrent transactions [${kind}]`, () => {
    const opened = useOpenedStore(kind);

    it('keeps the activities of the transactions that commit, and only theirs', async () => {
      const names = Array.from({ length: 12 }, (_, i) => `keep-${i}`);
      const outcomes = await Promise.allSettled(
        names.map((name, i) =>
          opened.store.transaction(async (trx) => {
            await recordActivity(trx, Date.now(), input(name));
            // Fails after its activity was recorded: the activity must go with it.
            if (i % 4 === 1) throw new Error(`unit ${name} fails`);
          }),
        ),
      );
      outcomes.forEach((outcome, i) => assert.equal(outcome.status, i % 4 === 1 ? 'rejected' : 'fulfilled'));
      const kept = (await namesIn(opened.store.db)).filter((name) => name.startsWith('keep-'));
      assert.deepEqual(kept, names.filter((_, i) => i % 4 !== 1).sort());
      // Each activity's row and its resource row arrive together.
      const documents = await opened.store.db
        .selectFrom('activities')
        .select('document')
        .where('environment_id', '=', ENV)
        .execute();
      assert.equal(documents.length, kept.length);
    });

    it('lets a transaction that asks for them see the activities recorded before it', async () => {
      const recorders = ['seen-1', 'seen-2', 'seen-3'].map((name) =>
        opened.store.transaction((trx) => recordActivity(trx, Date.now(), input(name))),
      );
      // Queued behind the recorders (on SQLite, in the same batch): it must count them all.
      const counted = opened.store.transaction(
        async (trx) => (await namesIn(trx)).filter((name) => name.startsWith('seen-')),
        { afterDeferredWrites: true },
      );
      await Promise.all(recorders);
      const seen = await counted;
      if (kind === 'sqlite') assert.deepEqual(seen, ['seen-1', 'seen-2', 'seen-3']);
      // PostgreSQL runs them side by side: it sees those that committed first, never a part of one.
      else assert.ok(seen.every((name) => name.startsWith('seen-')));
      assert.deepEqual(
        (await namesIn(opened.store.db)).filter((name) => name.startsWith('seen-')),
        ['seen-1', 'seen-2', 'seen-3'],
      );
    });

    it('fails every transaction of a batch whose deferred writes fail, and recovers', async () => {
      const deferred: boolean[] = [];
      const failing = async () => {
        throw new Error('the deferred insert failed');
      };
      const results = await Promise.allSettled([
        opened.store.transaction((trx) => recordActivity(trx, Date.now(), input('lost-1'))),
        opened.store.transaction(async (trx) => {
          deferred.push(deferUntilCommit(trx, [], failing, 1));
        }),
      ]);
      if (kind === 'sqlite') {
        assert.deepEqual(deferred, [true]);
        assert.deepEqual(
          results.map((result) => result.status),
          ['rejected', 'rejected'],
          'no unit is acknowledged when its batch did not commit',
        );
        assert.equal((await namesIn(opened.store.db)).includes('lost-1'), false);
      } else {
        // No group commit: nothing is deferred, each transaction commits on its own.
        assert.deepEqual(deferred, [false]);
        assert.deepEqual(
          results.map((result) => result.status),
          ['fulfilled', 'fulfilled'],
        );
      }
      await opened.store.transaction((trx) => recordActivity(trx, Date.now(), input('after')));
      assert.ok((await namesIn(opened.store.db)).includes('after'));
    });
  });
}
