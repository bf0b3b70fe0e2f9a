import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

// Frozen: never edit after release; add a new migration instead.
// Sign-on policies, their actions and their assignments to applications. Environments that exist
// when this runs get the predefined Single_Factor policy here, as new ones get it at creation.

/** A UUIDv7 like the application's ids (creation-ordered), written out so this file stays frozen. */
function uuidv7(ms: number): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// The action document format the repository reads (sign-on-policies/actions.repository.ts).
const SINGLE_FACTOR_LOGIN_DOCUMENT = JSON.stringify({
  login: {
    recoveryEnabled: true,
    registration: { enabled: false },
    enforceLockoutForIdentityProviders: false,
  },
});

// Kysely<any>: migrations are frozen and must not depend on the evolving schema types.
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const bool = pg ? 'boolean' : 'integer';

  await db.schema
    .createTable('sign_on_policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('is_default', bool, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await sql`CREATE UNIQUE INDEX sign_on_policies_name_unique ON sign_on_policies (environment_id, lower(name))`.execute(
    db,
  );
  await db.schema
    .createIndex('sign_on_policies_environment')
    .on('sign_on_policies')
    .columns(['environment_id', 'id'])
    .execute();

  await db.schema
    .createTable('sign_on_policy_actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('policy_id', 'text', (c) => c.notNull().references('sign_on_policies.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    // The type's settings and the condition as sent (JSON).
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sign_on_policy_actions_priority')
    .on('sign_on_policy_actions')
    .columns(['policy_id', 'priority'])
    .unique()
    .execute();

  await db.schema
    .createTable('sign_on_policy_assignments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    // No cascade: a policy still assigned cannot be deleted (the service says why first).
    .addColumn('policy_id', 'text', (c) => c.notNull().references('sign_on_policies.id'))
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sign_on_policy_assignments_priority')
    .on('sign_on_policy_assignments')
    .columns(['application_id', 'priority'])
    .unique()
    .execute();
  await db.schema
    .createIndex('sign_on_policy_assignments_policy')
    .on('sign_on_policy_assignments')
    .columns(['application_id', 'policy_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('sign_on_policy_assignments_by_policy')
    .on('sign_on_policy_assignments')
    .columns(['policy_id'])
    .execute();

  await seedExistingEnvironments(db);
}

async function seedExistingEnvironments(db: Kysely<any>): Promise<void> {
  const environments = (await db.selectFrom('environments').select('id').orderBy('id').execute()) as Array<{
    id: string;
  }>;
  for (const { id: environmentId } of environments) {
    const now = Date.now();
    const policyId = uuidv7(now);
    await db
      .insertInto('sign_on_policies')
      .values({
        id: policyId,
        environment_id: environmentId,
        name: 'Single_Factor',
        description: 'A sign-on policy that requires a username and password',
        is_default: true,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await db
      .insertInto('sign_on_policy_actions')
      .values({
        id: uuidv7(now),
        environment_id: environmentId,
        policy_id: policyId,
        type: 'LOGIN',
        priority: 1,
        document: SINGLE_FACTOR_LOGIN_DOCUMENT,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
}

// Kysely<any>: see up().
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['sign_on_policy_assignments', 'sign_on_policy_actions', 'sign_on_policies']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
