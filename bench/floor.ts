/**
 * The floor of a durable PATCH on SQLite, beside the ceiling: a bare Fastify route that does the
 * least any durable user PATCH must do, with Tessera's storage choices and none of its features.
 * Per request: read the row, merge the body into the stored JSON, UPDATE it, INSERT an audit row,
 * answer the merged JSON. Requests that arrive in one event-loop turn share one transaction and
 * one COMMIT (group commit), in WAL mode, and are answered once an `fdatasync` of the WAL after
 * that COMMIT has succeeded, on the thread pool (`synchronous=NORMAL`), as Tessera's server
 * commits (src/db/wal-sync.ts; its checkpoints stay in the COMMIT here). No
 * authentication, validation, savepoints, schema attributes, lockout or serializer: how far
 * Tessera's PATCH is from this shows what its features cost, and this row's own share of the
 * ceiling what the machine's fsync and SQLite leave for any implementation.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, fdatasync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { listenBare, type BenchFixture } from './fixture.js';

interface Waiting {
  readonly patch: Record<string, unknown>;
  readonly resolve: (user: Record<string, unknown>) => void;
  readonly reject: (error: unknown) => void;
}

export async function floor(bodyFile: string | undefined, announce: (fixture: BenchFixture) => void) {
  if (!bodyFile) throw new Error('usage: server.ts floor <user-body.json>');
  const body = readFileSync(bodyFile, 'utf8');
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-floor-'));
  const db = new Database(join(dir, 'floor.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // The user's row and three indexes over profile attributes, as Tessera's users table on SQLite
  // has; the audit row with an index, as its activities.
  db.exec(`create table users (id text primary key, profile text not null, updated_at integer, revision integer);
    create index users_given on users (lower(json_extract(profile, '$.name.given')), id);
    create index users_family on users (lower(json_extract(profile, '$.name.family')), id);
    create index users_external on users (lower(json_extract(profile, '$.externalId')), id);
    create table activities (id text primary key, recorded_at integer, document text not null);
    create index activities_recorded on activities (recorded_at)`);
  db.prepare('insert into users values (?, ?, ?, 0)').run('user', body, Date.now());
  const wal = openSync(join(dir, 'floor.db-wal'), 'r');
  const read = db.prepare<[string], { profile: string; revision: number }>(
    'select profile, revision from users where id = ?',
  );
  const update = db.prepare('update users set profile = ?, updated_at = ?, revision = ? where id = ?');
  const audit = db.prepare('insert into activities values (?, ?, ?)');
  let waiting: Waiting[] = [];
  const commitTurn = () => {
    const batch = waiting;
    waiting = [];
    const answers = db.transaction(() =>
      batch.map(({ patch }) => {
        const row = read.get('user')!;
        const user = { ...(JSON.parse(row.profile) as Record<string, unknown>), ...patch };
        const now = Date.now();
        update.run(JSON.stringify(user), now, row.revision + 1, 'user');
        audit.run(randomUUID(), now, JSON.stringify({ action: 'USER.UPDATED', user: { id: 'user' } }));
        return user;
      }),
    );
    let users: Record<string, unknown>[];
    try {
      users = answers();
    } catch (error) {
      for (const w of batch) w.reject(error);
      return;
    }
    fdatasync(wal, (error) => {
      if (error) for (const w of batch) w.reject(error);
      else batch.forEach((w, i) => w.resolve(users[i]!));
    });
  };
  const app = Fastify({ logger: false });
  app.patch('/user', (request) => {
    if (waiting.length === 0) setImmediate(commitTurn);
    return new Promise<Record<string, unknown>>((resolve, reject) =>
      waiting.push({ patch: request.body as Record<string, unknown>, resolve, reject }),
    );
  });
  await listenBare(app, announce);
  return async () => {
    await app.close();
    db.close();
    closeSync(wal);
    rmSync(dir, { recursive: true, force: true });
  };
}
