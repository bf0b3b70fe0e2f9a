import { authorize, can, type Actor } from '../access/actor.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { invalidValue, notFound } from '../shared/errors.js';
import type { OffsetClock } from '../shared/offset-clock.js';
import type { Store } from '../../db/store.js';
import { restoreSnapshot, takeSnapshot, type StoreSnapshot } from '../../db/snapshot.js';
import { resetEnvironment } from './environment-reset.js';
import { clearMailbox } from './mailbox.repository.js';

export interface TestModeDeps {
  readonly store: Store;
  readonly clock: OffsetClock;
  readonly environments: EnvironmentsService;
  readonly scheduler: Scheduler;
}

export interface ClockState {
  readonly now: number;
  /** The offset of the clock read: the instance's, plus the environment's when one is named. */
  readonly offsetMs: number;
  /** With an environment: its own offset (on top of the instance's). */
  readonly environmentOffsetMs?: number;
}

export type ClockMove = { readonly advanceSeconds: number } | { readonly at: number };

/** Moving the clock by more than this is a mistake (a year count in seconds typed wrong...). */
const MAX_MOVE_MS = 100 * 365 * 24 * 3600 * 1000;

export type TestModeService = ReturnType<typeof createTestModeService>;

/**
 * What only a Tessera in test mode offers: the movable clock (for the instance, or for one
 * environment), reset (of the store, or of one environment) and clearing the mailbox.
 * Clock and reset need an actor that may update environments organization-wide (the bootstrap
 * worker can).
 */
export function createTestModeService({ store, clock, environments, scheduler }: TestModeDeps) {
  function authorizeInstanceWide(actor: Actor): void {
    authorize(actor, 'orgmgt:update:environment', {
      environmentId: actor.environmentId,
      organizationId: actor.organizationId,
    });
  }

  const state = (environmentId?: string): ClockState =>
    environmentId === undefined
      ? { now: clock.now(), offsetMs: clock.offsetMs }
      : {
          now: clock.nowIn(environmentId),
          offsetMs: clock.offsetMs + clock.environmentOffsetMs(environmentId),
          environmentOffsetMs: clock.environmentOffsetMs(environmentId),
        };
  let startState: StoreSnapshot | undefined;

  function remembered(): StoreSnapshot {
    if (!startState) throw new Error('reset before the start state was remembered');
    return startState;
  }

  return {
    clock,
    authorizeInstanceWide,

    /** The instance's clock, or one environment's (which must exist). */
    async clockState(actor: Actor, environmentId?: string): Promise<ClockState> {
      authorizeInstanceWide(actor);
      if (environmentId !== undefined) await environments.require(environmentId);
      return state(environmentId);
    },

    /**
     * Moves the clock of the whole instance, or of one environment only (its offset adds to the
     * instance's), then runs one scheduler pass so work that became due (expiries, the outbox)
     * is done before the caller sees the answer. The pass sweeps a moved environment inside its
     * own clock (see the scheduler).
     */
    async moveClock(actor: Actor, move: ClockMove, environmentId?: string): Promise<ClockState> {
      authorizeInstanceWide(actor);
      if (environmentId !== undefined) await environments.require(environmentId);
      const offset = environmentId === undefined ? clock.offsetMs : state(environmentId).offsetMs;
      if ('advanceSeconds' in move) {
        const ms = move.advanceSeconds * 1000;
        if (!Number.isFinite(ms) || Math.abs(offset + ms) > MAX_MOVE_MS)
          throw invalidValue('advanceSeconds', 'must move the clock by less than 100 years in all');
        clock.advance(ms, environmentId);
      } else {
        const real = state(environmentId).now - offset;
        if (!Number.isFinite(move.at) || Math.abs(move.at - real) > MAX_MOVE_MS)
          throw invalidValue('at', 'must be within 100 years of the real time');
        clock.setTo(move.at, environmentId);
      }
      await scheduler.runOnce();
      return state(environmentId);
    },

    /** Remembers the store as it is now (after bootstrap and seed) as what `reset` restores. */
    async rememberStartState(): Promise<void> {
      startState = await takeSnapshot(store.db);
    },

    /**
     * Puts the whole store back as it was at start (bootstrap plus seed), in one transaction, and
     * clears every clock offset. Signing keys and the sealing key are kept, so tokens stay valid.
     * With `environmentId`, only that environment goes back (see `resetEnvironment`; one made
     * after start is deleted) and only its own clock offset is cleared; other environments, their
     * mailboxes and clocks are untouched.
     */
    async reset(actor: Actor, environmentId?: string): Promise<void> {
      authorizeInstanceWide(actor);
      const snapshot = remembered();
      if (environmentId !== undefined) {
        // It replaces the environment's activities too: those deferred by earlier units go first.
        const tables = await store.transaction((trx) => resetEnvironment(trx, snapshot, environmentId), {
          afterDeferredWrites: true,
        });
        if (!tables) throw notFound();
        for (const name of tables) store.writes.bump(name);
        clock.reset(environmentId);
        return;
      }
      await store.transaction((trx) => restoreSnapshot(trx, snapshot), { afterDeferredWrites: true });
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
