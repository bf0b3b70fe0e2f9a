import { invalidValue } from './errors.js';

export interface PageRequest {
  readonly limit: number;
  /** Opaque cursor from a previous page: the id of its last item. */
  readonly after?: string | undefined;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Cursor for the next page, absent on the last page. */
  readonly nextCursor?: string | undefined;
  /** Total matching items, when the store can tell cheaply. */
  readonly count?: number | undefined;
}

export const encodeCursor = (lastId: string): string => Buffer.from(lastId, 'utf8').toString('base64url');

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[0-9a-f-]{36}$/i.test(decoded)) throw invalidValue('cursor', 'The cursor is not valid.');
  return decoded;
}

/**
 * Builds a page from `limit + 1` rows fetched in id order: the extra row only tells that a next
 * page exists. Keyset paging on time-ordered ids never repeats or skips rows that existed when
 * paging started, whatever is inserted meanwhile.
 */
export function toPage<T extends { id: string }>(rows: readonly T[], limit: number, count?: number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor(last.id) : undefined,
    count,
  };
}
