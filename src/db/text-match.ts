import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';

export type TextMatch = 'eq' | 'sw' | 'ew' | 'co';

/** Escapes LIKE wildcards so user input matches literally. */
const escapeLike = (value: string): string => value.replace(/[\\%_]/g, (c) => '\\' + c);

/**
 * Case-insensitive comparison of a text expression with a literal, written the same way for
 * SQLite and PostgreSQL (LOWER() on both sides, LIKE with an explicit ESCAPE).
 */
export function matchText(
  expression: Expression<unknown>,
  op: TextMatch,
  value: string,
  byteOrder?: (expression: Expression<unknown>) => RawBuilder<unknown>,
): RawBuilder<SqlBool> {
  const lowered = value.toLowerCase();
  if (byteOrder) {
    // Written against the indexes of lower(...) in byte order (migration 0012): `eq` is one
    // index lookup and `sw` one index range; the LIKE keeps the exact prefix semantics.
    const key = byteOrder(sql`lower(${expression})`);
    if (op === 'eq') return sql<SqlBool>`${key} = ${lowered}`;
    if (op === 'sw' && lowered !== '') {
      const upper = prefixUpperBound(lowered);
      const like = sql<SqlBool>`lower(${expression}) like ${escapeLike(lowered) + '%'} escape '\\'`;
      return upper === undefined
        ? sql<SqlBool>`(${key} >= ${lowered} and ${like})`
        : sql<SqlBool>`(${key} >= ${lowered} and ${key} < ${upper} and ${like})`;
    }
  }
  if (op === 'eq') return sql<SqlBool>`lower(${expression}) = ${lowered}`;
  const pattern =
    op === 'sw'
      ? `${escapeLike(lowered)}%`
      : op === 'ew'
        ? `%${escapeLike(lowered)}`
        : `%${escapeLike(lowered)}%`;
  return sql<SqlBool>`lower(${expression}) like ${pattern} escape '\\'`;
}

/**
 * The smallest string above every string starting with `prefix`, in code point order (which is
 * UTF-8 byte order): the prefix with its last code point incremented. Undefined when there is
 * none (the last code point is the highest, U+10FFFF).
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const points = Array.from(prefix, (c) => c.codePointAt(0)!);
  while (points.length > 0) {
    let last = points.pop()! + 1;
    if (last >= 0xd800 && last <= 0xdfff) last = 0xe000; // skip the surrogate range
    if (last <= 0x10ffff) return String.fromCodePoint(...points, last);
  }
  return undefined;
}
