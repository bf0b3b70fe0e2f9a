import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluatePolicy } from '../../src/core/passwords/policy-evaluation.js';
import { violationMessage } from '../../src/pingone-common/password-violations.js';
import { DomainError } from '../../src/core/shared/errors.js';
import { parseFilter, type FilterCapabilities } from '../../src/core/shared/filter.js';
import { JsonSyntaxError, parseJsonBody } from '../../src/uipath/json-body.js';

// The pure modules, without a server or a store.

const CAPABILITIES: FilterCapabilities = { username: ['eq', 'sw'], enabled: ['eq'], email: ['co'] };
const filterProblem = (text: string): string => {
  try {
    parseFilter(text, { username: ['eq', 'sw'], enabled: ['eq'] });
  } catch (error) {
    assert.ok(error instanceof DomainError);
    assert.equal(error.details[0]?.code, 'invalid_filter');
    return error.details[0].message;
  }
  assert.fail(`${text} was accepted`);
};

describe('SCIM filter parsing (core/shared/filter.ts)', () => {
  it('turns a filter into a tree of the supported comparisons', () => {
    assert.equal(parseFilter(undefined, CAPABILITIES), undefined);
    assert.equal(parseFilter('  ', CAPABILITIES), undefined);
    assert.deepEqual(parseFilter('username sw "a" and (enabled eq true or email co "x")', CAPABILITIES), {
      kind: 'and',
      nodes: [
        { kind: 'compare', attribute: 'username', op: 'sw', value: 'a' },
        {
          kind: 'or',
          nodes: [
            { kind: 'compare', attribute: 'enabled', op: 'eq', value: true },
            { kind: 'compare', attribute: 'email', op: 'co', value: 'x' },
          ],
        },
      ],
    });
  });

  it('refuses unknown attributes, unsupported operators, odd values and syntax errors', () => {
    assert.equal(filterProblem('nickname eq "x"'), 'Filtering on the attribute nickname is not supported.');
    assert.equal(filterProblem('username co "x"'), 'The operator co is not supported for username.');
    assert.equal(filterProblem('enabled sw true'), 'The operator sw is not supported for enabled.');
    assert.equal(
      filterProblem('username eq 5'),
      'The value compared with username must be a string or a boolean.',
    );
    assert.equal(filterProblem('username gt "a"'), 'The operator gt is not supported.');
    assert.equal(filterProblem('(('), 'The filter could not be parsed.');
  });
});

describe('UiPath JSON reader (uipath/json-body.ts)', () => {
  it('parses JSON and remembers where each value ends, by Newtonsoft path', () => {
    const parsed = parseJsonBody('{"a": [1, {"b c": true}],\n "d": "x"}');
    assert.deepEqual(parsed.value, { a: [1, { 'b c': true }], d: 'x' });
    assert.deepEqual(
      [...parsed.positions],
      [
        ['', { line: 1, position: 1 }],
        ['a', { line: 1, position: 7 }],
        ['a[0]', { line: 1, position: 8 }],
        ['a[1]', { line: 1, position: 11 }],
        ["a[1]['b c']", { line: 1, position: 22 }],
        ['d', { line: 2, position: 9 }],
      ],
    );
  });

  it("words syntax errors like Newtonsoft's JsonReaderException, with path, line and position", () => {
    const message = (text: string) => {
      try {
        parseJsonBody(text);
      } catch (error) {
        assert.ok(error instanceof JsonSyntaxError);
        return error.message;
      }
      assert.fail(`${text} was accepted`);
    };
    assert.equal(
      message('{\n  "name": "Uma",\n  "bypassBasicAuthRestriction": hello\n}'),
      "Unexpected character encountered while parsing value: h. Path 'bypassBasicAuthRestriction', line 3, position 33.",
    );
    assert.equal(
      message('{"a": 1,}'),
      "Invalid property identifier character: }. Path '', line 1, position 9.",
    );
    assert.equal(
      message('{"a": 1'),
      "Unexpected end when deserializing object. Path 'a', line 1, position 7.",
    );
    assert.equal(
      message('[1 2]'),
      "After parsing a value an unexpected character was encountered: 2. Path '[0]', line 1, position 4.",
    );
  });
});

describe('password policy evaluation (core/passwords/policy-evaluation.ts)', () => {
  const context = { commonPasswords: new Set(['password1']), profileValues: ['ada'] };

  it('reports every failed rule with its limits in the message', () => {
    const violations = evaluatePolicy(
      { length: { min: 8, max: 12 }, minCharacters: { '0123456789': 1, ABCDEFGHIJKLMNOPQRSTUVWXYZ: 1 } },
      'short',
      context,
    );
    assert.deepEqual(
      violations.map((v) => v.rule),
      ['minCharacters', 'minCharacters', 'length'],
    );
    assert.deepEqual(violations[2], { rule: 'length', bound: 'min', limit: 8 });
    // PingOne words the violation from its limits.
    assert.match(violationMessage(violations[2]), /shorter than the minimum required length of 8 characters/);
    assert.deepEqual(evaluatePolicy({ length: { min: 8, max: 12 } }, 'long enough', context), []);
  });

  it('refuses common passwords case-insensitively and long runs of one character', () => {
    assert.deepEqual(
      evaluatePolicy({ excludesCommonlyUsed: true }, 'Password1', context).map((v) => v.rule),
      ['excludesCommonlyUsed'],
    );
    assert.deepEqual(
      evaluatePolicy({ maxRepeatedCharacters: 2 }, 'xxxLovelace', context).map((v) => v.rule),
      ['maxRepeatedCharacters'],
    );
    assert.deepEqual(evaluatePolicy({ maxRepeatedCharacters: 2 }, 'xxLovelace', context), []);
  });
});
