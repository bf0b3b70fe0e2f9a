import { sql } from 'kysely';
import type { StoreDialect } from '../../db/dialect.js';
import type { SchemaAttribute } from '../schemas/schema.js';
import {
  compileFilter,
  type FilterCapabilities,
  type FilterCompiler,
  type FilterNode,
  type FilterOperator,
} from '../shared/filter.js';
import { PROFILE_FILTER_PATHS } from './user-profile.js';
import { groupsWithin } from '../groups/nesting.repository.js';

const TEXT: readonly FilterOperator[] = ['eq', 'sw', 'ew', 'co'];

/** Attributes stored in their own column rather than in the profile document. */
const COLUMNS: Readonly<
  Record<string, { column: string; type: 'text' | 'boolean'; storedLowercase?: boolean }>
> = {
  id: { column: 'users.id', type: 'text' },
  username: { column: 'users.username', type: 'text' },
  email: { column: 'users.email', type: 'text' },
  'population.id': { column: 'users.population_id', type: 'text', storedLowercase: true },
  enabled: { column: 'users.enabled', type: 'boolean' },
  mfaEnabled: { column: 'users.mfa_enabled', type: 'boolean' },
  'lifecycle.status': { column: 'users.lifecycle_status', type: 'text' },
};

/**
 * PostgreSQL keeps these profile attributes in generated columns too (migration 0015, so that a
 * profile change leaving them equal touches no index), and indexes those: a filter must name the
 * column, or the planner cannot use the index. SQLite indexes the profile expressions themselves.
 */
const GENERATED_ON_POSTGRES: Readonly<Record<string, string>> = {
  'name.given': 'users.name_given',
  'name.family': 'users.name_family',
  externalId: 'users.external_id',
};

/**
 * What `GET /users?filter=` accepts: the attributes of reference §3.3 with eq/sw/ew/co (the
 * current admin guide's operator list), ids and booleans with eq only, and the environment's
 * enabled single-valued STRING custom attributes with eq/sw.
 */
export function userFilterCapabilities(custom: readonly SchemaAttribute[]): FilterCapabilities {
  const capabilities: Record<string, readonly FilterOperator[]> = {
    id: ['eq'],
    username: TEXT,
    email: TEXT,
    'population.id': ['eq'],
    enabled: ['eq'],
    mfaEnabled: ['eq'],
    'lifecycle.status': ['eq'],
  };
  for (const path of PROFILE_FILTER_PATHS) capabilities[path] = TEXT;
  for (const a of custom) {
    if (a.type === 'STRING' && !a.multiValued && a.enabled) capabilities[a.name] = ['eq', 'sw'];
  }
  return capabilities;
}

/** Text attributes indexed on (environment_id, lower(value), id): migrations 0013 and 0014. */
const INDEXED_WITH_ID = new Set(['username', 'email', 'name.given', 'name.family', 'externalId']);

/**
 * Whether a page of `filter` picks its ids first (`UserQuery.idsFirst`): a non-empty `sw` on an
 * attribute indexed with `id` is one index range whose matches are not in id order there, so
 * sorting the ids read from the index spares reading every match from the table. Other filters
 * come out of their index in id order already (an `eq`), or have no index holding `id` to read
 * the ids from (the ids-first page then only adds a lookup per row).
 */
export const picksIdsFirst = (filter: FilterNode | undefined): boolean =>
  filter?.kind === 'compare' &&
  filter.op === 'sw' &&
  filter.value !== '' &&
  INDEXED_WITH_ID.has(filter.attribute);

/**
 * Whether a page of `filter` is planned alike whatever its values (`UserQuery.plansAlike`): no
 * filter, one `eq` (an index of (environment_id, value, id), or the environment's id order where
 * the attribute has none, serves any value) or `memberOfGroups[id eq]` (the group is inside a
 * recursive query, which the planner cannot see into for any value). A range or pattern is not:
 * how many users a prefix matches decides between reading its index range and walking the ids.
 * Nor is `population.id eq`: PostgreSQL walks the environment's ids for a large population and
 * reads `users_population_id` for a small one, and a generic plan estimated from the average
 * population could walk a whole environment for a population of ten.
 */
export const plansAlike = (filter: FilterNode | undefined): boolean =>
  filter === undefined ||
  (filter.kind === 'compare' && filter.op === 'eq' && filter.attribute !== 'population.id') ||
  filter.kind === 'member';

/** `memberOfGroups[id eq "…"]`: parseFilter checks the bracket's attribute and its inner filter against this. */
export const USER_MEMBER_FILTERS: FilterCapabilities = { memberOfGroups: ['eq'], id: ['eq'] };

export function userFilterCompiler(dialect: StoreDialect): FilterCompiler {
  return {
    column(attribute) {
      const column = COLUMNS[attribute];
      if (column)
        return {
          expression: sql.ref(column.column),
          type: column.type,
          storedLowercase: column.storedLowercase ?? false,
        };
      const generated = dialect.kind === 'postgres' ? GENERATED_ON_POSTGRES[attribute] : undefined;
      if (generated) return { expression: sql.ref(generated), type: 'text' };
      return { expression: dialect.jsonText('users.profile', attribute.split('.')), type: 'text' };
    },
    // A member of a group is a direct member of it or of any group nested in it (reference more
    // §1.5 leaves this open; Tessera counts nested members, as `INDIRECT` memberships show them).
    member(_attribute, inner) {
      const condition = compileFilter(inner, {
        column: () => ({ expression: sql.ref('g.id'), type: 'text', storedLowercase: true }),
      });
      // An IN over the memberships (not a correlated EXISTS): both stores then read the groups'
      // members from the membership key (group_id, user_id) instead of testing every user.
      return sql`users.id in (select gm.user_id from group_memberships gm where gm.group_id in ${groupsWithin(condition)})`;
    },
    // Migration 0012 indexes lower(attribute) in byte order for the commonly filtered attributes.
    byteOrder: (expression) => dialect.byteOrder(expression),
  };
}
