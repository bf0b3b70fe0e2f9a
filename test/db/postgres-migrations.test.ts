import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import pg from 'pg';
import { openStore } from '../../src/db/store.js';
import { POSTGRES_URL, STORES } from '../support/harness.js';

/**
 * Several Tessera stores (and test runs) share one PostgreSQL server, each in its own schema.
 * Opening a store must never depend on what other schemas exist or vanish meanwhile.
 */
// Only PostgreSQL has schemas; with TESSERA_TEST_STORES=sqlite there is nothing to run here.
const describePostgres = STORES.includes('postgres') ? describe : () => undefined;

void describePostgres('PostgreSQL migrations beside other schemas [postgres]', () => {
  it('open while other schemas are being created and dropped', async () => {
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    const prefix = `churn_${randomBytes(4).toString('hex')}`;
    const ours = Array.from({ length: 6 }, () => `t_${randomBytes(6).toString('hex')}`);
    for (const schema of ours) await admin.query(`CREATE SCHEMA ${schema}`);
    let churning = true;
    const churn = (async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      for (let round = 0; churning; round += 1) {
        const name = `${prefix}_${round}`;
        await client.query(`CREATE SCHEMA ${name}`);
        await client.query(`CREATE TABLE ${name}.filler (id int primary key, label text)`);
        await client.query(`DROP SCHEMA ${name} CASCADE`);
      }
      await client.end();
    })();
    try {
      for (const schema of ours) {
        const store = await openStore({ kind: 'postgres', url: POSTGRES_URL }, { postgresSchema: schema });
        const tables = await store.db.introspection.getTables();
        assert.ok(tables.some((table) => table.name === 'users'));
        assert.ok(tables.every((table) => table.schema === schema));
        await store.close();
      }
    } finally {
      churning = false;
      await churn;
      for (const schema of ours) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
  });
});
