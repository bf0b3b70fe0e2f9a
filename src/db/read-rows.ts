// Rows of the SQLite read pool travel between threads as one flat array of values plus the column
// names, not as row objects (see sqlite-read-worker.ts): better-sqlite3 builds an object per row
// more slowly than an array, and structured clone writes every row's every key again.

/** Builds one row object from `width` values of a flat array starting at an offset. */
type RowBuilder = (values: readonly unknown[], offset: number) => Record<string, unknown>;

const builders = new Map<string, RowBuilder>();
const BUILDERS_KEPT = 200;

/**
 * A builder for rows with these columns, in the shape better-sqlite3 gives: properties in column
 * order, a later column of the same name overwriting the earlier one's value. An object literal
 * of fixed keys (compiled once per column list) makes every row of a statement share one hidden
 * class, as the rows a connection builds do.
 */
function builderOf(columns: readonly string[]): RowBuilder {
  const key = columns.join('\u0000');
  let builder = builders.get(key);
  if (builder) return builder;
  if (columns.includes('__proto__')) {
    // A literal would set the prototype; an assignment is what the connection does.
    builder = (values, offset) => {
      const row: Record<string, unknown> = {};
      columns.forEach((name, i) => (row[name] = values[offset + i]));
      return row;
    };
  } else {
    // Column names go in as JSON string literals (valid JavaScript string literals), so no name
    // can end the literal: the source is fixed text and indexes.
    const fields = columns.map((name, i) => `${JSON.stringify(name)}: v[o + ${i}]`).join(', ');
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a literal per column list; see above
    builder = new Function('v', 'o', `return { ${fields} };`) as RowBuilder;
  }
  if (builders.size >= BUILDERS_KEPT) builders.delete(builders.keys().next().value!);
  builders.set(key, builder);
  return builder;
}

/**
 * Row values in row order, each row's in column order. Built by `push`, so the array is packed:
 * structured clone writes an array with holes (as `new Array(n)` makes) as a sparse one, each
 * value with its index, which took about 2.5 times as long to read back.
 */
export function flattenRows(rows: readonly (readonly unknown[])[], width: number): unknown[] {
  const values: unknown[] = [];
  for (const row of rows) for (let i = 0; i < width; i += 1) values.push(row[i]);
  return values;
}

/** The row objects of `flattenRows`'s values: what `statement.all()` returns in object mode. */
export function rowsOf(columns: readonly string[], values: readonly unknown[]): Record<string, unknown>[] {
  const width = columns.length;
  if (width === 0) return [];
  const build = builderOf(columns);
  const rows = new Array<Record<string, unknown>>(values.length / width);
  for (let r = 0, o = 0; o < values.length; r += 1, o += width) rows[r] = build(values, o);
  return rows;
}
