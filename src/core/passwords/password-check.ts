import type { Clock } from '../shared/clock.js';
import type { Metrics } from '../shared/metrics.js';
import type { Hasher } from './hashing.js';
import type { PasswordState } from './password.js';
import { lockedOut, noPassword, wrongPassword } from './password-errors.js';
import type { createPasswordRecords, LoadedPassword } from './password-records.js';
import { isLocked, secondsUntilUnlock, type withFailure } from './password-state.js';

type Records = ReturnType<typeof createPasswordRecords>;

/**
 * password.check: a match answers the state; a mismatch counts toward lockout. A match that
 * changes nothing (no failures to clear, no legacy encoding to replace) writes its activity only
 * (`recordUnchanged`); everything else goes through the full write with the user's row locked.
 */
export function createPasswordCheck(deps: {
  readonly clock: Clock;
  readonly hasher: Hasher;
  readonly metrics: Metrics;
  /** The operation's load: what an authorizing caller already read, or a fresh read. */
  readonly load: (environmentId: string, userId: string) => Promise<LoadedPassword>;
  readonly records: Pick<Records, 'write' | 'recordUnchanged'>;
  /** withFailure, counting the lockouts it starts. */
  readonly countedFailure: typeof withFailure;
}) {
  const { clock, hasher, metrics, load, records, countedFailure } = deps;
  const SUCCEEDED = ['PASSWORD.CHECK_SUCCEEDED'] as const;

  return async function check(
    environmentId: string,
    userId: string,
    password: string,
  ): Promise<PasswordState> {
    const loaded = await load(environmentId, userId);
    const { record } = loaded;
    const now = clock.now();
    if (record.hash === undefined) throw noPassword();
    if (isLocked(record, now)) {
      metrics.passwordCheck('locked_out');
      throw lockedOut(secondsUntilUnlock(record, now));
    }
    const verified = await hasher.verify(record.hash, password);
    metrics.passwordCheck(verified.match ? 'match' : 'mismatch');
    if (verified.match && !verified.rehash) {
      // The lock may have been set, or the password changed, by parallel requests meanwhile.
      const state = await records.recordUnchanged(
        loaded,
        SUCCEEDED,
        (current, at) =>
          current.hash === record.hash && current.failedAttempts === 0 && !isLocked(current, at),
      );
      if (state) return state;
    }
    // Legacy encodings become argon2id on the first successful check (hashed before the transaction).
    const rehashed = verified.match && verified.rehash ? await hasher.hash(password) : undefined;
    return records.write(environmentId, userId, async (_trx, current, policy, _user, at) => {
      if (current.hash === undefined) return { error: noPassword() };
      if (isLocked(current, at)) return { error: lockedOut(secondsUntilUnlock(current, at)) };
      if (current.hash !== record.hash) return { error: wrongPassword('password', undefined) };
      if (verified.match) {
        if (current.failedAttempts === 0 && rehashed === undefined) return { activities: SUCCEEDED };
        return {
          record: { ...current, failedAttempts: 0, hash: rehashed ?? current.hash },
          activities: SUCCEEDED,
        };
      }
      const f = countedFailure(current, policy, at);
      return { record: f.record, error: wrongPassword('password', f.remaining) };
    });
  };
}
