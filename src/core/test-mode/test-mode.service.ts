import { authorize, can, type Actor } from '../access/actor.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { invalidValue } from '../shared/errors.js';
import type { OffsetClock } from '../shared/offset-clock.js';
import type { Store } from '../../db/store.js';
import { restoreSnapshot, takeSnapshot, type StoreSnapshot } from '../../db/snapshot.js';
import { clearMailbox } from './mailbox.repository.js';

export interface TestModeDeps {
  readonly store: Store;
  readonly clock: OffsetClock;
  readonly environments: EnvironmentsService;
  readonly scheduler: Scheduler;
}

export interface ClockState {
  readonly now: number;
  readonly offsetMs: number;
}

export type ClockMove = { readonly advanceSeconds: number } | { readonly at: number };

/** Moving the clock by more than this is a mistake (a year count in seconds typed wrong...). */
const MAX_MOVE_MS = 100 * 365 * 24 * 3600 * 1000;

export type TestModeService = ReturnType<typeof createTestModeService>;

/**
 * What only a Tessera in test mode offers: the movable clock and clearing the mailbox.
 * Instance-wide actions need an actor that may update environments organization-wide (the
 * bootstrap worker can).
 */
export function createTestModeService({ store, clock, environments, scheduler }: TestModeDeps) {
  function authorizeInstanceWide(actor: Actor): void {
    authorize(actor, 'orgmgt:update:environment', {
      environmentId: actor.environmentId,
      organizationId: actor.organizationId,
    });
  }

  const state = (): ClockState => ({ now: clock.now(), offsetMs: clock.offsetMs });
  let startState: StoreSnapshot | undefined;

  return {
    clock,
    authorizeInstanceWide,

    clockState(actor: Actor): ClockState {
      authorizeInstanceWide(actor);
      return state();
    },

    /**
     * Moves the clock for the whole instance, then runs one scheduler pass so work that became
     * due (expiries, the outbox) is done before the caller sees the answer.
     */
    async moveClock(actor: Actor, move: ClockMove): Promise<ClockState> {
      authorizeInstanceWide(actor);
      if ('advanceSeconds' in move) {
        const ms = move.advanceSeconds * 1000;
        if (!Number.isFinite(ms) || Math.abs(clock.offsetMs + ms) > MAX_MOVE_MS)
          throw invalidValue('advanceSeconds', 'must move the clock by less than 100 years in all');
        clock.advance(ms);
      } else {
        if (!Number.isFinite(move.at) || Math.abs(move.at - clock.now() + clock.offsetMs) > MAX_MOVE_MS)
          throw invalidValue('at', 'must be within 100 years of the real time');
        clock.setTo(move.at);
      }
      await scheduler.runOnce();
      return state();
    },

    /** Remembers the store as it is now (after bootstrap and seed) as what `reset` restores. */
    async rememberStartState(): Promise<void> {
      startState = await takeSnapshot(store.db);
    },

    /**
     * Puts the whole store back as it was at start (bootstrap plus seed), in one transaction, and
     * clears the clock offset. Signing keys and the sealing key are kept, so tokens stay valid.
     */
    async reset(actor: Actor): Promise<void> {
      authorizeInstanceWide(actor);
      const snapshot = startState;
      if (!snapshot) throw new Error('reset before the start state was remembered');
      await store.transaction((trx) => restoreSnapshot(trx, snapshot));
      // The restore writes with plain SQL: tell the read caches every table changed.
      for (const { name } of snapshot.tables) store.writes.bump(name);
      clock.reset();
    },

    async clearMailbox(actor: Actor, environmentId: string, recipient?: string): Promise<number> {
      const env = await environments.require(environmentId);
      const target = { environmentId: env.id, organizationId: env.organizationId };
      if (!can(actor, 'dir:update:user', target)) authorize(actor, 'notifications:update:settings', target);
      return clearMailbox(store.db, environmentId, recipient);
    },
  };
}
