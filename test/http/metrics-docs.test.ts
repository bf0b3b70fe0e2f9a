import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createPrometheusMetrics } from '../../src/http/metrics.js';

// Issue 9: every metric an operator can scrape is documented in docs/operations.md.

const DOCS = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
/** prom-client's default process metrics, documented as a family. */
const DEFAULT_FAMILIES = ['tessera_process_', 'tessera_nodejs_'];

describe('metrics documentation (docs/operations.md)', () => {
  it('documents every metric in the registry, the store gauges of PostgreSQL included', async () => {
    const metrics = createPrometheusMetrics();
    metrics.watchStore({ kind: 'postgres', pool: () => ({ total: 1, idle: 1, waiting: 0 }) });
    const names = (await metrics.registry.getMetricsAsJSON()).map((metric) => metric.name);
    assert.ok(names.includes('tessera_http_request_duration_seconds'), names.join(', '));
    assert.ok(names.includes('tessera_store_pool_connections'), names.join(', '));
    const undocumented = names.filter((name) => {
      const family = DEFAULT_FAMILIES.find((prefix) => name.startsWith(prefix));
      return family ? !DOCS.includes(`\`${family}*\``) : !DOCS.includes(`\`${name}\``);
    });
    assert.deepEqual(undocumented, []);
  });

  it('documents every sign-on outcome label the core can record', () => {
    const row = DOCS.split('\n').find((line) => line.includes('`tessera_signon_outcomes_total`'));
    assert.ok(row);
    for (const outcome of ['success', 'failure', 'locked_out', 'expired'])
      assert.ok(row.includes(`\`${outcome}\``), outcome);
  });
});
