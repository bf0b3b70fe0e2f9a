/**
 * A JSON reader that remembers where each value ends, so binding errors can name the JSON path,
 * line and position the way Newtonsoft.Json (behind UiPath's ASP.NET model binding) does:
 * "Unexpected character encountered while parsing value: h. Path 'isActive', line 3, position 15."
 */

export interface SourcePosition {
  /** 1-based line. */
  readonly line: number;
  /** Characters of that line read up to and including the token (Newtonsoft's LinePosition). */
  readonly position: number;
}

export interface ParsedBody {
  readonly value: unknown;
  /** JSON path (Newtonsoft form: `users[0].userName`) → where its value token ends. */
  readonly positions: ReadonlyMap<string, SourcePosition>;
}

/** A syntax error, already worded like Newtonsoft's JsonReaderException. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly at: SourcePosition,
  ) {
    super(`${reason} Path '${path}', line ${at.line}, position ${at.position}.`);
    this.name = 'JsonSyntaxError';
  }
}

/** Newtonsoft's path syntax: dotted names, `[i]` indices, `['odd name']` for names needing quotes. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const simple = /^[A-Za-z_$][\w$]*$/.test(key);
  if (!simple) return `${parent}['${key.replace(/'/g, "\\'")}']`;
  return parent === '' ? key : `${parent}.${key}`;
}

const MAX_DEPTH = 64;

export function parseJsonBody(text: string): ParsedBody {
  const positions = new Map<string, SourcePosition>();
  let index = 0;
  let line = 1;
  let lineStart = 0;

  const here = (consumed = 0): SourcePosition => ({ line, position: index + consumed - lineStart });
  const fail = (path: string, reason: string, consumed = 1): never => {
    throw new JsonSyntaxError(path, reason, here(consumed));
  };
  const unexpected = (path: string): never =>
    index >= text.length
      ? fail(path, 'Unexpected end when reading JSON.', 0)
      : fail(path, `Unexpected character encountered while parsing value: ${text[index]}.`);

  function skipWhitespace(): void {
    while (index < text.length) {
      const c = text[index]!;
      if (c === '\n') {
        index++;
        line++;
        lineStart = index;
      } else if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF') index++;
      else break;
    }
  }

  function readString(path: string): string {
    index++; // opening quote
    let out = '';
    for (;;) {
      if (index >= text.length) fail(path, 'Unterminated string. Expected delimiter: ".', 0);
      const c = text[index]!;
      if (c === '"') {
        index++;
        return out;
      }
      if (c === '\n') fail(path, 'Unterminated string. Expected delimiter: ".', 0);
      if (c === '\\') {
        const e = text[index + 1];
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (e !== undefined && e in simple) {
          out += simple[e];
          index += 2;
          continue;
        }
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, index + 6))) {
          out += String.fromCharCode(parseInt(text.slice(index + 2, index + 6), 16));
          index += 6;
          continue;
        }
        index++;
        fail(path, `Bad JSON escape sequence: \\${e ?? ''}.`);
      }
      out += c;
      index++;
    }
  }

  // Sticky expressions read at `index` without copying the rest of the text.
  const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
  const LITERAL = /true|false|null/y;
  const at = (pattern: RegExp) => {
    pattern.lastIndex = index;
    return pattern.exec(text);
  };
  let depth = 0;

  function readValue(path: string): unknown {
    skipWhitespace();
    const c = text[index];
    let value: unknown;
    if (c === '{' || c === '[') {
      // Newtonsoft's default MaxDepth; also keeps recursion far from the stack limit.
      if (++depth > MAX_DEPTH) fail(path, `The reader's MaxDepth of ${MAX_DEPTH} has been exceeded.`);
      index++;
      positions.set(path, here());
      value = c === '{' ? readObject(path) : readArray(path);
      depth--;
      return value;
    }
    if (c === '"') value = readString(path);
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      const match = at(NUMBER);
      if (!match) unexpected(path);
      index += match![0].length;
      value = Number(match![0]);
    } else {
      const literal = at(LITERAL);
      if (!literal) unexpected(path);
      index += literal![0].length;
      value = literal![0] === 'null' ? null : literal![0] === 'true';
    }
    positions.set(path, here());
    return value;
  }

  function readObject(path: string): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    skipWhitespace();
    if (text[index] === '}') {
      index++;
      return result;
    }
    for (;;) {
      skipWhitespace();
      if (index >= text.length) fail(path, 'Unexpected end when deserializing object.', 0);
      if (text[index] !== '"') fail(path, `Invalid property identifier character: ${text[index]}.`);
      const key = readString(path);
      const propertyPath = childPath(path, key);
      skipWhitespace();
      if (text[index] !== ':') {
        if (index >= text.length) fail(propertyPath, 'Unexpected end when deserializing object.', 0);
        fail(
          propertyPath,
          `Invalid character after parsing property name. Expected ':' but got: ${text[index]}.`,
        );
      }
      index++;
      // Last duplicate wins, as in Newtonsoft. defineProperty keeps "__proto__" an ordinary key.
      Object.defineProperty(result, key, {
        value: readValue(propertyPath),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      skipWhitespace();
      const next = text[index];
      if (next === ',') {
        index++;
        continue;
      }
      if (next === '}') {
        index++;
        return result;
      }
      if (next === undefined) fail(propertyPath, 'Unexpected end when deserializing object.', 0);
      fail(propertyPath, `After parsing a property value an unexpected character was encountered: ${next}.`);
    }
  }

  function readArray(path: string): unknown[] {
    const result: unknown[] = [];
    skipWhitespace();
    if (text[index] === ']') {
      index++;
      return result;
    }
    for (;;) {
      result.push(readValue(childPath(path, result.length)));
      skipWhitespace();
      const next = text[index];
      if (next === ',') {
        index++;
        continue;
      }
      if (next === ']') {
        index++;
        return result;
      }
      if (next === undefined) fail(path, 'Unexpected end when deserializing array.', 0);
      fail(
        childPath(path, result.length - 1),
        `After parsing a value an unexpected character was encountered: ${next}.`,
      );
    }
  }

  const value = readValue('');
  skipWhitespace();
  if (index < text.length)
    fail('', `Additional text encountered after finished reading JSON content: ${text[index]}.`);
  return { value, positions };
}
