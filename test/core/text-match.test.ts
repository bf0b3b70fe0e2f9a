import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prefixUpperBound } from '../../src/db/text-match.js';

describe('the upper bound of a prefix range (sw served by an index)', () => {
  it('is the prefix with its last code point incremented, skipping surrogates and the highest one', () => {
    assert.equal(prefixUpperBound('ab'), 'ac');
    assert.equal(prefixUpperBound('a%'), 'a&');
    assert.equal(prefixUpperBound('a\u{D7FF}'), 'a\u{E000}');
    assert.equal(prefixUpperBound('a\u{FFFF}'), 'a\u{10000}');
    assert.equal(prefixUpperBound('a\u{10FFFF}'), 'b');
    assert.equal(prefixUpperBound('\u{10FFFF}'), undefined);
  });
});
