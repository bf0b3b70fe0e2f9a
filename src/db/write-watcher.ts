import {
  AliasNode,
  DeleteQueryNode,
  InsertQueryNode,
  SelectQueryNode,
  TableNode,
  UpdateQueryNode,
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';

/**
 * This process's writes per table, so read caches (the calling worker's grants, an environment)
 * can tell that what they hold may be stale. Every query sent through the store's Kysely handle
 * is seen, whichever repository sends it. A transaction bumps the tables it wrote once more after
 * its commit, because a concurrent reader may have refilled a cache from the data before it.
 */
export class WriteWatcher {
  private readonly versions = new Map<string, number>();

  /** A number that changes whenever one of `tables` may have changed. */
  version(tables: readonly string[]): number {
    let sum = 0;
    for (const table of tables) sum += this.versions.get(table) ?? 0;
    return sum;
  }

  bump(table: string): void {
    this.versions.set(table, (this.versions.get(table) ?? 0) + 1);
  }
}

/** Reports the table of every INSERT, UPDATE and DELETE that goes through it. */
export class TableWriteRecorder implements KyselyPlugin {
  constructor(private readonly onWrite: (table: string) => void) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    for (const table of writtenTables(args.node)) this.onWrite(table);
    return args.node;
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

function tableName(node: OperationNode | undefined): string | undefined {
  if (!node) return undefined;
  if (TableNode.is(node)) return node.table.identifier.name;
  if (AliasNode.is(node)) return tableName(node.node);
  return undefined;
}

function writtenTables(node: OperationNode): string[] {
  let names: Array<string | undefined> = [];
  if (InsertQueryNode.is(node)) names = [tableName(node.into)];
  else if (UpdateQueryNode.is(node)) names = [tableName(node.table)];
  else if (DeleteQueryNode.is(node)) names = node.from.froms.map(tableName);
  const written = names.filter((name): name is string => name !== undefined);
  // PostgreSQL's data-modifying WITH clauses (`with a as (insert …) select …`) write too.
  const ctes =
    (InsertQueryNode.is(node) ||
    UpdateQueryNode.is(node) ||
    DeleteQueryNode.is(node) ||
    SelectQueryNode.is(node)
      ? node.with?.expressions
      : undefined) ?? [];
  for (const cte of ctes) written.push(...writtenTables(cte.expression));
  return written;
}
