import { authorize, permittedPopulations, type Actor } from '../access/actor.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import { listAttributes } from '../schemas/schemas.repository.js';
import type { Clock } from '../shared/clock.js';
import { compileFilter, parseFilter } from '../shared/filter.js';
import type { Page, PageRequest } from '../shared/paging.js';
import { ReadCache } from '../shared/read-cache.js';
import type { Store } from '../../db/store.js';
import {
  USER_MEMBER_FILTERS,
  picksIdsFirst,
  plansAlike,
  userFilterCapabilities,
  userFilterCompiler,
} from './user-filter.js';
import { listUserPage, type ListedUser } from './users-list.repository.js';

/** Server page cap for user lists (PingOne documents 200 even when a larger limit is asked). */
export const USER_PAGE_CAP = 200;

/**
 * What a list's count depends on: the users, the memberships and nesting a `memberOfGroups`
 * filter reads, the multi-valued attributes and custom attributes filters read, the populations.
 */
const COUNT_TABLES = [
  'users',
  'user_attributes',
  'groups',
  'group_memberships',
  'group_nestings',
  'schema_attributes',
  'populations',
];

/**
 * User lists. A page that is not a complete first page carries a count (bounded, see
 * users-list.repository.ts), which costs up to 10,000 index entries per page; a sync client asks
 * for the same filter page after page. So a count is kept for `cacheMs` (TESSERA_ACCESS_CACHE_MS)
 * per environment, visible populations and filter text, and dropped at once on any write of this
 * process to a table it depends on (the store's write watcher, as every ReadCache); another
 * process's writes show in counts within `cacheMs`, as they do in the access caches. A first page
 * that holds every match always counts itself.
 */
export function createUserLister(deps: {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
  readonly cacheMs: number;
}) {
  const { store, clock, environments } = deps;
  const counts = new ReadCache<{ count: number | undefined }>({
    ttlMs: deps.cacheMs,
    tables: COUNT_TABLES,
    writes: store.writes,
  });

  /**
   * One page of the users the caller may read, filtered (SCIM subset) and keyset-paged by id:
   * rows inserted while a client pages never shift the pages it has not read yet. Each user
   * carries its password lockout at the clock's `now`.
   */
  return async function list(
    actor: Actor,
    environmentId: string,
    request: PageRequest & { filter?: string | undefined },
  ): Promise<Page<ListedUser>> {
    const env = await environments.require(environmentId);
    const target = { environmentId: env.id, organizationId: env.organizationId };
    const visible = permittedPopulations(actor, 'dir:read:user', target);
    if (visible !== 'all' && visible.length === 0) authorize(actor, 'dir:read:user', target);
    const custom = await listAttributes(store.db, env.id);
    const filter = parseFilter(request.filter, userFilterCapabilities(custom), USER_MEMBER_FILTERS);
    const query = {
      environmentId: env.id,
      populationIds: visible === 'all' ? undefined : visible,
      where: filter ? compileFilter(filter, userFilterCompiler(store.dialect)) : undefined,
      idsFirst: picksIdsFirst(filter),
      // A caller's populations are an IN list of them: planned per value, as `population.id eq`.
      plansAlike: visible === 'all' && plansAlike(filter),
    };
    const key = `${env.id}\n${visible === 'all' ? '*' : visible.join(',')}\n${request.filter ?? ''}`;
    const knownCount = counts.peek(key);
    const version = counts.version();
    const limit = Math.min(request.limit, USER_PAGE_CAP);
    const page = await listUserPage(store.readDb, query, request.after, limit, clock.now(), { knownCount });
    // Kept from a complete first page too: its next asking then runs no count subquery.
    if (!knownCount) counts.keep(key, { count: page.count }, version);
    return page;
  };
}
