import assert from 'node:assert/strict';
import { it } from 'node:test';
import { iso } from '../../src/core/shared/clock.js';

/** `iso` formats by integer arithmetic (src/core/shared/clock.ts): it must be `toISOString`'s text. */
it('formats every instant as toISOString does', () => {
  const edges = [
    0, -0, 1, 999, 1000, 86_399_999, 86_400_000, 951_782_400_000, 951_868_799_999, 4_107_542_400_000,
    253_402_300_799_999, 253_402_300_800_000, -1, -86_400_001, 1.5, 1_796_259_178_281,
  ];
  for (const t of edges) assert.equal(iso(t), new Date(t).toISOString(), String(t));
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 200_000; i += 1) {
    const t = Math.floor(random() * 253_402_300_800_000);
    assert.equal(iso(t), new Date(t).toISOString(), String(t));
    // Neighbouring instants reuse the kept date part: around midnight it must change.
    const midnight = Math.floor(t / 86_400_000) * 86_400_000;
    assert.equal(iso(midnight - 1), new Date(midnight - 1).toISOString());
    assert.equal(iso(midnight), new Date(midnight).toISOString());
  }
});
