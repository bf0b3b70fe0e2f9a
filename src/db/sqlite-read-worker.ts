// One read-only SQLite connection on its own thread (see sqlite-read-pool.ts): it answers the
// statements it is sent, so a long scan blocks this thread and never the server's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { flattenRows } from './read-rows.js';

export interface ReadRequest {
  readonly id: number;
  readonly sql: string;
  readonly parameters: readonly unknown[];
}
/**
 * Rows go back as the column names and one flat array of values (read-rows.ts): a statement in
 * raw mode builds arrays, not objects, and structured clone then copies values, not every row's
 * keys. For a 100-user page this cut the worker's CPU per page (docs/benchmarks.md, session 11).
 */
export type ReadResponse =
  | { readonly id: number; readonly columns: readonly string[]; readonly values: unknown[] }
  | { readonly id: number; readonly error: { readonly message: string; readonly code?: string } };

const STATEMENT_CACHE_SIZE = 200;

const port = parentPort!;
const { filename } = workerData as { filename: string };
const database = new Database(filename, { readonly: true, fileMustExist: true });
database.pragma('busy_timeout = 5000');
interface Prepared {
  readonly statement: Database.Statement<unknown[], unknown[]>;
  readonly columns: readonly string[];
}
const statements = new Map<string, Prepared>();

function prepared(text: string): Prepared {
  let entry = statements.get(text);
  if (entry) statements.delete(text);
  else {
    const statement = database.prepare<unknown[], unknown[]>(text);
    if (!statement.reader) throw new Error('the read pool runs only statements that return rows');
    entry = { statement: statement.raw(true), columns: statement.columns().map((c) => c.name) };
    if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
  }
  statements.set(text, entry);
  return entry;
}

port.on('message', (request: ReadRequest) => {
  let response: ReadResponse;
  try {
    // Booleans are bound as 0/1, as on the main connection (better-sqlite3 cannot bind them).
    const parameters = request.parameters.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
    const { statement, columns } = prepared(request.sql);
    const values = flattenRows(statement.all(...parameters), columns.length);
    response = { id: request.id, columns, values };
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
