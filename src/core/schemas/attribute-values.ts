import type { ErrorDetail } from '../shared/errors.js';
import { isJsonObject, type JsonValue } from '../shared/json.js';
import { JSON_VALUE_MAX_BYTES, type SchemaAttribute } from './schema.js';

/** The whole value must match: PingOne's patterns are Java regexes validated against full values. */
export function compilePattern(pattern: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    return undefined;
  }
}

function checkOne(attribute: SchemaAttribute, value: JsonValue, target: string): ErrorDetail | undefined {
  const invalid = (message: string): ErrorDetail => ({ code: 'invalid_value', target, message });
  switch (attribute.type) {
    case 'BOOLEAN':
      return typeof value === 'boolean' ? undefined : invalid('must be a boolean');
    case 'JSON': {
      if (!isJsonObject(value)) return invalid('must be a JSON object');
      if (Buffer.byteLength(JSON.stringify(value), 'utf8') > JSON_VALUE_MAX_BYTES) {
        return { code: 'size_limit_exceeded', target, message: 'must not be larger than 16 KB' };
      }
      return undefined;
    }
    case 'STRING': {
      if (typeof value !== 'string') return invalid('must be a string');
      const allowed = attribute.enumeratedValues?.filter((e) => !e.archived).map((e) => e.value);
      if (allowed && allowed.length > 0 && !allowed.includes(value)) {
        return { ...invalid('must be one of the enumerated values'), innerError: { allowedValues: allowed } };
      }
      const regex = attribute.regexValidation;
      if (regex && !compilePattern(regex.pattern)?.test(value)) {
        return {
          ...invalid(regex.requirements || 'does not match the required pattern'),
          innerError: { allowedPattern: regex.pattern },
        };
      }
      return undefined;
    }
  }
}

/**
 * Validates a custom attribute value (null, meaning "clear", is handled by the caller). Multi-
 * valued attributes take an array whose every item must be valid.
 */
export function checkCustomValue(attribute: SchemaAttribute, value: JsonValue): ErrorDetail | undefined {
  const target = attribute.name;
  if (!attribute.enabled) return { code: 'invalid_value', target, message: 'is disabled and cannot be set' };
  if (attribute.multiValued) {
    if (!Array.isArray(value))
      return { code: 'invalid_value', target, message: 'must be an array (the attribute is multi-valued)' };
    for (const item of value) {
      const problem = checkOne(attribute, item, target);
      if (problem) return problem;
    }
    return undefined;
  }
  return checkOne(attribute, value, target);
}
