import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { CompiledQuery, sql } from 'kysely';
import { compileFilter, parseFilter } from '../../src/core/shared/filter.js';
import {
  USER_MEMBER_FILTERS,
  picksIdsFirst,
  plansAlike,
  userFilterCapabilities,
  userFilterCompiler,
} from '../../src/core/users/user-filter.js';
import { listUserPage, pageStatement, userPageQuery } from '../../src/core/users/users-list.repository.js';
import { createEnvironment, createPopulation, createUser } from '../support/fixtures.js';
import { describeStores, type TestServer } from '../support/harness.js';

/**
 * Migrations 0012 and 0013's indexes must not change any result (case-insensitivity, `sw` with
 * LIKE wildcards or a bound at the end of the code point range), and the planner must use them
 * for the list's own statement, in id order.
 */
describeStores('users filters served by indexes', (server) => {
  let env: string;
  let pop: string;
  let groupId: string;
  const ids: Record<string, string> = {};

  const names = async (filter: string) => {
    const res = await server().request(
      'GET',
      `/v1/environments/${env}/users?filter=${encodeURIComponent(filter)}`,
    );
    assert.equal(res.status, 200, `${filter}: ${res.text}`);
    return (res.body._embedded.users as Array<{ username: string }>).map((u) => u.username).sort();
  };

  before(async () => {
    env = await createEnvironment(server());
    pop = await createPopulation(server(), env);
    // [username, name.given, name.family, externalId, in the second population]
    const people: Array<[string, string, string, string, boolean?]> = [
      ['ann', 'Ann', 'Abcd', 'Ab%cd'],
      ['anna', 'ANNA', 'Abxcd', 'Abxcd'],
      ['an_y', 'Andy', 'Abycd', 'Ab_cd'],
      ['anz', 'Anz', 'Abzz', 'ab-cd'],
      ['ao', 'Ao', 'Ac', 'Ac', true],
      ['zed', 'Zoë', 'zz\u{20000}a', 'zz\u{20000}a'],
      ['zee', 'Zoey', 'zz\u{20000}', 'zz\u{20000}'],
      ['zz', 'Zz', 'zz', 'zz'],
    ];
    for (const [username, given, family, externalId, inSecondPopulation] of people) {
      const body: Record<string, unknown> = {
        username,
        email: `${username}@Example.COM`,
        name: { given, family },
        externalId,
      };
      if (inSecondPopulation) body.population = { id: pop };
      ids[username] = (await createUser(server(), env, body)).id;
    }
    const group = await server().request('POST', `/v1/environments/${env}/groups`, {
      body: { name: 'Indexed' },
    });
    groupId = group.body.id;
    for (const u of ['anna', 'zz']) {
      await server().request('POST', `/v1/environments/${env}/users/${ids[u]}/memberOfGroups`, {
        body: { id: groupId },
      });
    }
  });

  it('matches eq case-insensitively on every indexed attribute', async () => {
    assert.deepEqual(await names('username eq "ANNA"'), ['anna']);
    assert.deepEqual(await names('email eq "ANN@example.com"'), ['ann']);
    assert.deepEqual(await names('name.given eq "anna"'), ['anna']);
    assert.deepEqual(await names('name.family eq "ABXCD"'), ['anna']);
    assert.deepEqual(await names('externalId eq "AB-CD"'), ['anz']);
    assert.deepEqual(await names(`population.id eq "${pop.toUpperCase()}"`), ['ao']);
    assert.deepEqual(await names(`memberOfGroups[id eq "${groupId.toUpperCase()}"]`), ['anna', 'zz']);
  });

  it('matches sw as a literal, case-insensitive prefix, with wildcards and range edges', async () => {
    assert.deepEqual(await names('username sw "AN"'), ['an_y', 'ann', 'anna', 'anz']);
    assert.deepEqual(await names('username sw "an_"'), ['an_y'], '_ is literal');
    assert.deepEqual(await names('username sw "anz"'), ['anz'], 'the bound excludes "ao"');
    assert.deepEqual(await names('externalId sw "ab%"'), ['ann'], '% is literal');
    assert.deepEqual(await names('externalId sw "AB_"'), ['an_y'], '_ is literal');
    assert.deepEqual(await names('externalId sw "ab"'), ['an_y', 'ann', 'anna', 'anz']);
    assert.deepEqual(await names('name.family sw "ab"'), ['an_y', 'ann', 'anna', 'anz']);
    assert.deepEqual(
      await names('name.family sw "zz\u{20000}"'),
      ['zed', 'zee'],
      'a prefix ending in an astral code point',
    );
    assert.deepEqual(await names('name.family sw "ZZ"'), ['zed', 'zee', 'zz']);
    assert.deepEqual(await names('name.given sw "zo"'), ['zed', 'zee']);
    assert.deepEqual(await names('email sw "ANN@"'), ['ann']);
  });

  it('counts up to its limit and pages the filtered matches in id order', async () => {
    const res = await server().request(
      'GET',
      `/v1/environments/${env}/users?limit=2&filter=${encodeURIComponent('username sw "an"')}`,
    );
    assert.equal(res.body.count, 4);
    assert.deepEqual(
      res.body._embedded.users.map((u: { username: string }) => u.username),
      ['ann', 'anna'],
    );
  });

  for (const [filter, index] of [
    ['username eq "x"', /users_username_(unique|ordered_id)/],
    ['username sw "x"', /users_username_(unique|ordered_id)/],
    ['email eq "x"', /users_email_lower_id/],
    ['email sw "x"', /users_email_lower_id/],
    ['name.given eq "x"', /users_name_given_id/],
    ['name.given sw "x"', /users_name_given_id/],
    ['name.family eq "x"', /users_name_family_id/],
    ['externalId eq "x"', /users_external_id_id/],
    ['population.id eq "00000000-0000-4000-8000-000000000001"', /users_population_id/],
    ['memberOfGroups[id eq "00000000-0000-4000-8000-000000000001"]', /group_memberships_pk|pkey|autoindex/],
  ] as const) {
    // The list's own statement (ORDER BY id LIMIT, with and without a cursor): the filter's index
    // must win over walking the environment's users in id order ((environment_id, id) or the
    // primary key) and testing each. A `sw` next page is left out: without statistics SQLite
    // walks the ids after the cursor unless the page says otherwise (`cursorInRange`, chosen by
    // its bounded count: the test of a sw next page below; docs/users.md, Indexes).
    const pages = filter.includes(' sw ') ? [undefined] : [undefined, '00000000-0000-7000-8000-000000000000'];
    for (const after of pages) {
      it(`uses an index for ${filter} on ${after ? 'a next' : 'the first'} page`, async () => {
        const plan = await queryPlan(server(), env, pop, filter, after);
        assert.match(plan, index, plan);
        assert.doesNotMatch(plan, ENVIRONMENT_WALK, plan);
        if (filter.includes(' sw ') && server().store.kind === 'sqlite')
          assert.match(plan, /<expr>>\? AND <expr><\?/, `sw is an index range: ${plan}`);
        // An equality leaves the matches in id order in the index: no sort of all the matches.
        if (filter.includes(' eq ') && !filter.startsWith('memberOfGroups'))
          assert.doesNotMatch(plan, /TEMP B-TREE|Sort/, `eq reads the page in id order: ${plan}`);
      });
    }
  }

  it('picks the ids first only for a sw on an attribute indexed with id', () => {
    const picks = (filter: string) =>
      picksIdsFirst(parseFilter(filter, userFilterCapabilities([]), USER_MEMBER_FILTERS));
    for (const filter of ['username sw "a"', 'email sw "a"', 'name.given sw "a"', 'externalId sw "a"'])
      assert.equal(picks(filter), true, filter);
    for (const filter of [
      'username eq "a"',
      'username co "a"',
      'username sw ""',
      'address.locality sw "a"',
      'username sw "a" and email eq "b"',
    ])
      assert.equal(picks(filter), false, filter);
  });

  it('runs a page as a recurring statement only when its plan does not depend on the values', () => {
    const alike = (filter: string | undefined) =>
      plansAlike(parseFilter(filter, userFilterCapabilities([]), USER_MEMBER_FILTERS));
    for (const filter of [
      undefined,
      'username eq "a"',
      'enabled eq true',
      'memberOfGroups[id eq "00000000-0000-4000-8000-000000000001"]',
    ])
      assert.equal(alike(filter), true, filter);
    for (const filter of [
      'username sw "a"',
      'name.family co "a"',
      'email ew "a"',
      'username eq "a" or email eq "b"',
      'population.id eq "00000000-0000-4000-8000-000000000001"',
    ])
      assert.equal(alike(filter), false, filter);
  });

  // Migration 0014 with the ids-first page on SQLite: a `sw` range's matches are not in id order
  // in any index, so some sort is needed; it must sort ids read from the index alone (a covering
  // index), never the matching rows (each one read from the table: 1,334 of them for a page of
  // 100 at a million users). SQLite's plan is a tree: the only temporary b-tree must sit under the
  // subquery that picks the page's ids. PostgreSQL has had the index since 0013.
  it("sorts a username sw page's ids from the index, not its rows", async () => {
    const filter = 'username sw "an"';
    if (server().store.kind !== 'sqlite') {
      const plan = await queryPlan(server(), env, pop, filter);
      assert.match(plan, /users_username_ordered_id/, plan);
      return;
    }
    const { store } = server().services;
    const node = parseFilter(filter, userFilterCapabilities([]), USER_MEMBER_FILTERS)!;
    const where = compileFilter(node, userFilterCompiler(store.dialect));
    const query = pageStatement(
      store.db,
      { environmentId: env, where, idsFirst: picksIdsFirst(node) },
      undefined,
      100,
      1,
      10_000,
    ).compile();
    const explain = CompiledQuery.raw('EXPLAIN QUERY PLAN ' + query.sql, [...query.parameters]);
    const rows = (await store.db.executeQuery(explain)).rows as PlanRow[];
    const text = rows.map((row) => row.detail).join('\n');
    assert.match(
      text,
      /SEARCH users USING COVERING INDEX users_username_ordered_id \(environment_id=\? AND <expr>>\? AND <expr><\?\)/,
      text,
    );
    assert.match(text, /SEARCH users USING INDEX sqlite_autoindex_users_1 \(id=\?\)/, `rows by id: ${text}`);
    const sorts = rows.filter((row) => row.detail.includes('TEMP B-TREE'));
    for (const sort of sorts)
      assert.ok(
        ancestors(rows, sort).some((row) => row.detail.startsWith('LIST SUBQUERY')),
        `a sort of rows: ${text}`,
      );
    // And the page itself: the matches, in id order, the count of them all.
    const res = await server().request(
      'GET',
      `/v1/environments/${env}/users?limit=3&filter=${encodeURIComponent(filter)}`,
    );
    const listed = res.body._embedded.users.map((u: { id: string }) => u.id);
    assert.deepEqual(listed, [ids.ann, ids.anna, ids.an_y, ids.anz].sort().slice(0, 3));
    assert.equal(res.body.count, 4);
  });

  // A `sw` next page walked the environment's ids from the cursor and tested each row: for a rare
  // prefix at a million users, most of the environment (65–82 ms). With few matches (an exact
  // bounded count) it reads the range's ids and tests the cursor on each instead.
  it("reads a sw next page's ids from the prefix range when its matches are few", async () => {
    const { store } = server().services;
    const node = parseFilter('username sw "an"', userFilterCapabilities([]), USER_MEMBER_FILTERS)!;
    const where = compileFilter(node, userFilterCompiler(store.dialect));
    const query = { environmentId: env, where, idsFirst: picksIdsFirst(node) };
    const first = await listUserPage(store.db, query, undefined, 2, 1);
    const after = first.items.at(-1)!.id;
    // Without a known count (a next page asked first, or after the count cache was dropped).
    const next = await listUserPage(store.db, query, after, 2, 1);
    const all = [ids.ann, ids.anna, ids.an_y, ids.anz].sort();
    assert.deepEqual(
      [...first.items, ...next.items].map((u) => u.id),
      all,
    );
    assert.equal(next.count, 4);
    if (server().store.kind !== 'sqlite') return;
    const plan = await explain(
      server(),
      env,
      pop,
      userPageQuery(store.db, { ...query, after, limit: 2, cursorInRange: true }).compile(),
      { withPasswords: false, seqScans: false },
    );
    assert.match(
      plan,
      /COVERING INDEX users_username_ordered_id \(environment_id=\? AND <expr>>\? AND <expr><\?\)/,
      plan,
    );
    assert.doesNotMatch(plan, ENVIRONMENT_WALK, plan);
  });

  // PostgreSQL planned the lockout over the whole match as a hashed subplan: a scan of every
  // user_passwords row on every page. Read over 5,000 users with passwords and a page of 10 (so
  // that probing each row of the page costs less than scanning them all, as in a large directory).
  it("reads each page row's lockout by its key", async () => {
    const plan = await pagePlan(server(), env, pop);
    if (server().store.kind === 'sqlite')
      assert.match(plan, /SEARCH user_passwords USING INDEX \S+ \(user_id=\?\)/, plan);
    else {
      assert.doesNotMatch(plan, /hashed SubPlan|Seq Scan on user_passwords/, plan);
      assert.match(plan, /Index Cond: \(user_id = users\.id\)/, plan);
    }
  });
});

interface PlanRow {
  readonly id: number;
  readonly parent: number;
  readonly detail: string;
}

/** The rows above `row` in SQLite's plan tree, nearest first. */
function ancestors(rows: readonly PlanRow[], row: PlanRow): PlanRow[] {
  const above: PlanRow[] = [];
  let at = rows.find((r) => r.id === row.parent);
  while (at) {
    above.push(at);
    const parent = at.parent;
    at = rows.find((r) => r.id === parent);
  }
  return above;
}

/** The plan of a whole page statement (lockout and count) over `env`, as `queryPlan` reads it. */
async function pagePlan(server: TestServer, env: string, pop: string) {
  const { store } = server.services;
  const query = pageStatement(store.db, { environmentId: env }, undefined, 10, 1, 10_000).compile();
  return explain(server, env, pop, query, { withPasswords: true, seqScans: true });
}

/** A plan that reads the environment's users in id order, testing each against the filter. */
const ENVIRONMENT_WALK =
  /users_environment_id \(environment_id=\?( AND id>\?)?\)|Index Scan using users_environment_id|Index Scan using users_pkey on users[^\n]*\n\s*Index Cond: \(id > /;

/**
 * The store's plan for a page of the users of `env` matching `filter` (the list's statement). On PostgreSQL the cost-based planner
 * picks among indexes by statistics, so the plan is read over 5,000 more users of the environment
 * (inserted, analysed, then rolled back) with sequential scans off, as a large directory would be.
 */
async function queryPlan(
  server: TestServer,
  env: string,
  pop: string,
  filter: string,
  after?: string,
): Promise<string> {
  const { store } = server.services;
  const node = parseFilter(filter, userFilterCapabilities([]), USER_MEMBER_FILTERS)!;
  const where = compileFilter(node, userFilterCompiler(store.dialect));
  const query = userPageQuery(store.db, {
    environmentId: env,
    where,
    idsFirst: picksIdsFirst(node),
    after,
    limit: 200,
  }).compile();
  return explain(server, env, pop, query, { withPasswords: false, seqScans: false });
}

async function explain(
  server: TestServer,
  env: string,
  pop: string,
  query: CompiledQuery,
  options: { withPasswords: boolean; seqScans: boolean },
): Promise<string> {
  const { store } = server.services;
  if (server.store.kind === 'sqlite') {
    const explain = CompiledQuery.raw('EXPLAIN QUERY PLAN ' + query.sql, [...query.parameters]);
    const rows = (await store.db.executeQuery(explain)).rows as Array<{ detail: string }>;
    return rows.map((row) => row.detail).join('\n');
  }
  let plan = '';
  const rollback = new Error('roll back the planning rows');
  await store
    .transaction(async (trx) => {
      await sql`insert into users (id, environment_id, population_id, username, email, enabled,
          mfa_enabled, email_verified, lifecycle_status, verify_status, account_locked,
          identity_provider, profile, created_at, updated_at, revision)
        select 'plan-' || i, ${env}, ${pop}, 'plan' || i, 'plan' || i || '@example.com', true,
          false, false, 'ACCOUNT_OK', 'NOT_INITIATED', false, 'PING_ONE',
          json_build_object('name', json_build_object('given', 'g' || i, 'family', 'f' || i),
            'externalId', 'x' || i)::text, 0, 0, 1
        from generate_series(1, 5000) as i`.execute(trx);
      if (options.withPasswords)
        await sql`insert into user_passwords (user_id, environment_id, hash, must_change,
            failed_attempts, updated_at)
          select 'plan-' || i, ${env}, 'x', false, 0, 0 from generate_series(1, 5000) as i`.execute(trx);
      await sql`analyze users`.execute(trx);
      await sql`analyze user_passwords`.execute(trx);
      if (!options.seqScans) await sql`set local enable_seqscan = off`.execute(trx);
      const explain = CompiledQuery.raw('EXPLAIN ' + query.sql, [...query.parameters]);
      const rows = (await trx.executeQuery(explain)).rows as Array<Record<string, unknown>>;
      plan = rows.map((row) => String(row['QUERY PLAN'])).join('\n');
      throw rollback;
    })
    .catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
  return plan;
}
