/**
 * A small JSON reader that remembers where things are: the line each object starts on and the
 * source text of each number (so `0.06` dollars is parsed as exact decimal, not via a float).
 * It also reads several top-level documents in one file (NDJSON, or pages saved one after the
 * other). Errors name the file, line and column, including truncated input.
 */

/**
 * Malformed JSON text: the message names the file and line (`costs.json:14: invalid JSON at
 * column 3: …`). Callers that report input errors their own way (reconciliation) rewrap it.
 */
export class JsonTextError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'JsonTextError';
  }
}

export interface JsonDocuments {
  /** Top-level values in file order. */
  values: unknown[];
  /** 1-based line on which `obj` (an object or array from `values`) starts. */
  lineOf(obj: unknown): number | undefined;
  /** Source text of the number at `obj[key]`, if that value is a number. */
  rawNumber(obj: unknown, key: string | number): string | undefined;
  /** Keys that appear twice in one object (the later value is kept, as `JSON.parse` does). */
  duplicateKeys: DuplicateKey[];
}

export interface DuplicateKey {
  /** The object holding the key. */
  container: object;
  key: string;
  /** The value the later occurrence replaced. */
  previous: unknown;
  /** 1-based line of the later occurrence. */
  line: number;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export interface ParseJsonOptions {
  /** Keep each number's source text for `rawNumber` (default true; money needs it). */
  rawNumbers?: boolean;
}

export function parseJsonDocuments(
  text: string,
  file: string,
  options: ParseJsonOptions = {},
): JsonDocuments {
  const keepRaw = options.rawNumbers !== false;
  const lines = new WeakMap<object, number>();
  const numbers = new WeakMap<object, Map<string, string>>();
  const duplicateKeys: DuplicateKey[] = [];
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;

  const fail = (detail: string): never => {
    const before = text.slice(0, pos);
    const column = pos - before.lastIndexOf('\n');
    throw new JsonTextError(file, line, `invalid JSON at column ${column}: ${detail}`);
  };
  const truncatedOr = (detail: string): never =>
    pos >= text.length ? fail('unexpected end of input (truncated JSON?)') : fail(detail);

  const skipWs = () => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 10) line++;
      else if (c !== 32 && c !== 9 && c !== 13) return;
      pos++;
    }
  };

  const parseString = (): string => {
    const start = pos;
    let escaped = false;
    pos++;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (Number.isNaN(c)) return truncatedOr('');
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        pos++;
      } else if (c < 32) fail('control character in string');
      pos++;
    }
    pos++;
    // Most strings have no escapes: slicing is several times faster than JSON.parse.
    if (!escaped) return text.slice(start + 1, pos - 1);
    try {
      return JSON.parse(text.slice(start, pos)) as string;
    } catch {
      return fail('bad escape in string');
    }
  };

  const remember = (container: object, key: string, raw: string) => {
    let m = numbers.get(container);
    if (!m) {
      m = new Map();
      numbers.set(container, m);
    }
    m.set(key, raw);
  };

  const parseValue = (container?: object, key?: string): unknown => {
    skipWs();
    const c = text[pos];
    if (c === '{') return parseObject();
    if (c === '[') return parseArray();
    if (c === '"') return parseString();
    if (c === 't' && text.startsWith('true', pos)) {
      pos += 4;
      return true;
    }
    if (c === 'f' && text.startsWith('false', pos)) {
      pos += 5;
      return false;
    }
    if (c === 'n' && text.startsWith('null', pos)) {
      pos += 4;
      return null;
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (m) {
      pos += m[0].length;
      if (keepRaw && container && key !== undefined) remember(container, key, m[0]);
      return Number(m[0]);
    }
    return truncatedOr(`unexpected character ${JSON.stringify(c)}`);
  };

  const parseObject = (): Record<string, unknown> => {
    const obj: Record<string, unknown> = {};
    lines.set(obj, line);
    pos++;
    skipWs();
    if (text[pos] === '}') {
      pos++;
      return obj;
    }
    for (;;) {
      skipWs();
      if (text[pos] !== '"') truncatedOr('expected a property name');
      const key = parseString();
      skipWs();
      if (text[pos] !== ':') truncatedOr(`expected ':' after "${key}"`);
      pos++;
      if (Object.hasOwn(obj, key))
        duplicateKeys.push({ container: obj, key, previous: obj[key], line });
      const value = parseValue(obj, key);
      // A key "__proto__" must stay an own property (as with JSON.parse), not replace the
      // object's prototype; defineProperty is slow, so only for that key.
      if (key === '__proto__') {
        Object.defineProperty(obj, key, {
          value,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      } else {
        obj[key] = value;
      }
      skipWs();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      truncatedOr(`expected ',' or '}' after "${key}"`);
    }
  };

  const parseArray = (): unknown[] => {
    const arr: unknown[] = [];
    lines.set(arr, line);
    pos++;
    skipWs();
    if (text[pos] === ']') {
      pos++;
      return arr;
    }
    for (;;) {
      arr.push(parseValue(arr, String(arr.length)));
      skipWs();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === ']') {
        pos++;
        return arr;
      }
      truncatedOr("expected ',' or ']'");
    }
  };

  const values: unknown[] = [];
  skipWs();
  while (pos < text.length) {
    values.push(parseValue());
    skipWs();
  }
  if (values.length === 0) {
    throw new JsonTextError(file, 1, 'empty file: no JSON document');
  }
  return {
    values,
    lineOf: (obj) => (typeof obj === 'object' && obj !== null ? lines.get(obj) : undefined),
    rawNumber: (obj, key) =>
      typeof obj === 'object' && obj !== null ? numbers.get(obj)?.get(String(key)) : undefined,
    duplicateKeys,
  };
}
