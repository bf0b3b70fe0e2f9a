// One read-only SQLite connection on its own thread (see sqlite-read-pool.ts): it answers the
// statements it is sent, so a long scan blocks this thread and never the server's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface ReadRequest {
  readonly id: number;
  readonly sql: string;
  readonly parameters: readonly unknown[];
}
export type ReadResponse =
  | { readonly id: number; readonly rows: unknown[] }
  | { readonly id: number; readonly error: { readonly message: string; readonly code?: string } };

const STATEMENT_CACHE_SIZE = 200;

const port = parentPort!;
const { filename } = workerData as { filename: string };
const database = new Database(filename, { readonly: true, fileMustExist: true });
database.pragma('busy_timeout = 5000');
const statements = new Map<string, Database.Statement>();

function prepared(text: string): Database.Statement {
  let statement = statements.get(text);
  if (statement) statements.delete(text);
  else {
    statement = database.prepare(text);
    if (!statement.reader) throw new Error('the read pool runs only statements that return rows');
    if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
  }
  statements.set(text, statement);
  return statement;
}

port.on('message', (request: ReadRequest) => {
  let response: ReadResponse;
  try {
    // Booleans are bound as 0/1, as on the main connection (better-sqlite3 cannot bind them).
    const parameters = request.parameters.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
    response = { id: request.id, rows: prepared(request.sql).all(...parameters) };
  } catch (error) {
    const failure = error as { message?: unknown; code?: unknown };
    response = {
      id: request.id,
      error: {
        message: String(failure.message ?? error),
        ...(typeof failure.code === 'string' ? { code: failure.code } : {}),
      },
    };
  }
  port.postMessage(response);
});
