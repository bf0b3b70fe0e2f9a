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
): RawBuilder<SqlBool> {
  const lowered = value.toLowerCase();
  if (op === 'eq') return sql<SqlBool>`lower(${expression}) = ${lowered}`;
  const pattern =
    op === 'sw'
      ? `${escapeLike(lowered)}%`
      : op === 'ew'
        ? `%${escapeLike(lowered)}`
        : `%${escapeLike(lowered)}%`;
  return sql<SqlBool>`lower(${expression}) like ${pattern} escape '\\'`;
}
