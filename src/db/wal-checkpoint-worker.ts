// The WAL's checkpoints on their own thread (see wal-checkpointer.ts): one read-write SQLite
// connection that copies committed WAL frames into the database file, so neither the copy nor
// its two fsyncs run in a COMMIT on the server's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface CheckpointWorkerData {
  readonly filename: string;
  /** Int32Array[0]: commits made by the server's connection so far (it counts, this reads). */
  readonly commits: SharedArrayBuffer;
  readonly intervalMs: number;
}

const { filename, commits, intervalMs } = workerData as CheckpointWorkerData;
const counted = new Int32Array(commits);
const database = new Database(filename, { fileMustExist: true });
// It never writes pages itself; it must not checkpoint from a COMMIT of its own either.
database.pragma('wal_autocheckpoint = 0');
let checkpointedAt = Atomics.load(counted, 0);

// PASSIVE never waits for readers or the writer: it copies what no reader still needs and leaves
// the rest for the next round. With synchronous=NORMAL SQLite syncs the WAL before copying and the
// database file after, so what it copied is durable before the writer may reuse the WAL.
const timer = setInterval(() => {
  const now = Atomics.load(counted, 0);
  if (now === checkpointedAt) return;
  checkpointedAt = now;
  database.pragma('wal_checkpoint(PASSIVE)');
}, intervalMs);

parentPort!.on('message', (message: unknown) => {
  if (message !== 'close') return;
  clearInterval(timer);
  database.close();
  parentPort!.close();
});
