import { parse, type Filter } from 'scim2-parse-filter';
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { invalidFilter, type FilterCapabilities } from '../shared/filter.js';

/**
 * The `/activities` filter (reference §3.2): attribute names and `and`/`or` are matched without
 * regard to case (PingOne's own examples mix `recordedAt` and `recordedat`, `AND` and `and`).
 * `recordedat` takes ge/gt/le/lt with an ISO-8601 instant; the others take `eq`.
 */
const CAPABILITIES: FilterCapabilities & Record<string, readonly string[]> = {
  recordedat: ['ge', 'gt', 'le', 'lt'],
  correlationid: ['eq'],
  'action.type': ['eq'],
  'actors.client.id': ['eq'],
  'actors.user.id': ['eq'],
  'actors.user.name': ['eq'],
  'resources.id': ['eq'],
  'resources.type': ['eq'],
  'resources.population.id': ['eq'],
} as never;

const COLUMNS: Record<string, string> = {
  correlationid: 'correlation_id',
  'action.type': 'action_type',
  'actors.client.id': 'actor_client_id',
  'actors.user.id': 'actor_user_id',
  'actors.user.name': 'actor_user_name',
};

const RESOURCE_COLUMNS: Record<string, string> = {
  'resources.id': 'resource_id',
  'resources.type': 'resource_type',
  'resources.population.id': 'population_id',
};

const COMPARISONS = { ge: '>=', gt: '>', le: '<=', lt: '<' } as const;

function instant(value: unknown): number {
  const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time))
    throw invalidFilter('recordedAt must be compared with an ISO-8601 instant, e.g. "2026-01-01T00:00:00Z".');
  return time;
}

function compile(node: Filter): RawBuilder<SqlBool> {
  switch (node.op) {
    case 'and':
    case 'or': {
      const parts = node.filters.map(compile);
      return sql<SqlBool>`(${sql.join(parts, sql` ${sql.raw(node.op)} `)})`;
    }
    case 'eq':
    case 'ge':
    case 'gt':
    case 'le':
    case 'lt': {
      const attribute = node.attrPath.toLowerCase();
      const allowed = CAPABILITIES[attribute];
      if (!allowed)
        throw invalidFilter(`Filtering on the attribute ${node.attrPath} is not supported.`, CAPABILITIES);
      if (!allowed.includes(node.op))
        throw invalidFilter(`The operator ${node.op} is not supported for ${node.attrPath}.`, CAPABILITIES);
      if (attribute === 'recordedat')
        return sql<SqlBool>`recorded_at ${sql.raw(COMPARISONS[node.op as keyof typeof COMPARISONS])} ${instant(node.compValue)}`;
      if (typeof node.compValue !== 'string')
        throw invalidFilter(`The value compared with ${node.attrPath} must be a string.`, CAPABILITIES);
      const column = COLUMNS[attribute];
      if (column) return sql<SqlBool>`${sql.ref(column)} = ${node.compValue}`;
      const resourceColumn = RESOURCE_COLUMNS[attribute]!;
      return sql<SqlBool>`exists (select 1 from activity_resources r where r.activity_id = activities.id and ${sql.ref(`r.${resourceColumn}`)} = ${node.compValue})`;
    }
    default:
      throw invalidFilter(`The operator ${node.op} is not supported.`, CAPABILITIES);
  }
}

/** Parses and compiles an activities filter to SQL over `activities`; undefined when empty. */
export function activityFilterSql(text: string | undefined): RawBuilder<SqlBool> | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  let tree: Filter;
  try {
    tree = parse(text);
  } catch {
    throw invalidFilter('The filter could not be parsed.', CAPABILITIES);
  }
  return compile(tree);
}
