// The value of `run_id IN (...)`: MLflow evaluates the parenthesised text with Python's
// ast.literal_eval and wants a string or a tuple of strings. So Python's literal rules apply here,
// not SQL's: "double" and 'single' quotes, backslash escapes, implicit concatenation ('a' 'b'),
// redundant parentheses, a trailing comma, comments. Not supported (rejected although MLflow takes
// them): \N{NAME} escapes.

import { invalidParameter } from '../http/errors.ts';

const illFormed = () =>
  invalidParameter(
    'While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.',
  );

type Value = { kind: 'str'; value: string } | { kind: 'tuple'; items: Value[] } | { kind: 'other' };

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};
/** Python's tokenizer refuses deeper nesting ("too many nested parentheses"). */
const MAX_NESTING = 200;
const STRING_PREFIX = /^(?:[rRuU]|[fF][rR]?|[rR][fFbB]|[bB][rR]?)?$/;
const NUMBER = /^[+-]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?[jJ]?/;
const HEX = /^[0-9a-fA-F]+$/;

class LiteralReader {
  private pos = 0;
  private depth = 0;
  constructor(private readonly source: string) {}

  read(): Value {
    if (this.source.includes('\0')) throw illFormed(); // Python refuses NUL in source
    const value = this.expression();
    this.skipSpace();
    if (this.pos !== this.source.length) throw illFormed();
    return value;
  }

  /** Whitespace, line continuations and comments between tokens (always inside brackets here). */
  private skipSpace(): void {
    const s = this.source;
    for (;;) {
      const c = s[this.pos];
      if (c === ' ' || c === '\t' || c === '\f' || c === '\n' || c === '\r') this.pos++;
      else if (c === '\\' && (s[this.pos + 1] === '\n' || s[this.pos + 1] === '\r')) this.pos += 2;
      else if (c === '#') {
        while (this.pos < s.length && s[this.pos] !== '\n' && s[this.pos] !== '\r') this.pos++;
      } else return;
    }
  }

  private expression(): Value {
    this.skipSpace();
    const s = this.source;
    if (s[this.pos] === '(') return this.parenthesised();
    const prefix = /^[A-Za-z]{0,2}/.exec(s.slice(this.pos, this.pos + 2))![0];
    const quote = s[this.pos + prefix.length];
    if ((quote === "'" || quote === '"') && STRING_PREFIX.test(prefix)) return this.strings();
    const number = NUMBER.exec(s.slice(this.pos, this.pos + 400));
    if (number) {
      this.pos += number[0].length;
      return { kind: 'other' };
    }
    for (const constant of ['True', 'False', 'None']) {
      if (s.startsWith(constant, this.pos) && !/\w/u.test(s[this.pos + constant.length] ?? '')) {
        this.pos += constant.length;
        return { kind: 'other' };
      }
    }
    throw illFormed();
  }

  private parenthesised(): Value {
    // SQL and Python disagree on where some strings end ('a\\' is closed for Python, open for
    // sqlparse), so parentheses can reach here that sqlparse's nesting limit never saw.
    if (++this.depth > MAX_NESTING) throw illFormed();
    const value = this.parenthesisedBody();
    this.depth--;
    return value;
  }

  private parenthesisedBody(): Value {
    this.pos++; // (
    this.skipSpace();
    if (this.source[this.pos] === ')') {
      this.pos++;
      return { kind: 'tuple', items: [] };
    }
    const items = [this.expression()];
    let sawComma = false;
    for (;;) {
      this.skipSpace();
      const c = this.source[this.pos];
      if (c === ')') {
        this.pos++;
        return sawComma ? { kind: 'tuple', items } : items[0]!;
      }
      if (c !== ',') throw illFormed();
      this.pos++;
      sawComma = true;
      this.skipSpace();
      if (this.source[this.pos] === ')') continue;
      items.push(this.expression());
    }
  }

  /** One or more adjacent string literals, concatenated. */
  private strings(): Value {
    const parts: string[] = [];
    let kind: 'str' | 'bytes' | undefined;
    for (;;) {
      this.skipSpace();
      const prefix = /^[A-Za-z]{0,2}/.exec(this.source.slice(this.pos, this.pos + 2))![0];
      const quote = this.source[this.pos + prefix.length];
      if ((quote !== "'" && quote !== '"') || !STRING_PREFIX.test(prefix)) break;
      const lower = prefix.toLowerCase();
      if (lower.includes('f')) throw illFormed(); // an f-string is no literal
      const partKind = lower.includes('b') ? 'bytes' : 'str';
      if (kind !== undefined && kind !== partKind) throw illFormed();
      kind = partKind;
      this.pos += prefix.length;
      parts.push(this.stringBody(lower.includes('r')));
    }
    return kind === 'str' ? { kind: 'str', value: parts.join('') } : { kind: 'other' };
  }

  private stringBody(raw: boolean): string {
    const s = this.source;
    const quote = s[this.pos]!;
    const triple = s[this.pos + 1] === quote && s[this.pos + 2] === quote;
    this.pos += triple ? 3 : 1;
    const out: string[] = [];
    for (;;) {
      if (this.pos >= s.length) throw illFormed();
      const c = s[this.pos]!;
      if (c === quote && (!triple || (s[this.pos + 1] === quote && s[this.pos + 2] === quote))) {
        this.pos += triple ? 3 : 1;
        return out.join('');
      }
      if (c === '\n' || c === '\r') {
        if (!triple) throw illFormed();
        // Python reads source with universal newlines.
        if (c === '\r' && s[this.pos + 1] === '\n') this.pos++;
        out.push('\n');
        this.pos++;
        continue;
      }
      if (c !== '\\') {
        out.push(c);
        this.pos++;
        continue;
      }
      const next = s[this.pos + 1];
      if (next === undefined) throw illFormed();
      if (raw) {
        out.push(c, next);
        this.pos += 2;
        continue;
      }
      this.pos += 2;
      out.push(this.escape(next));
    }
  }

  /** The escape sequence whose character after the backslash is `c` (already consumed). */
  private escape(c: string): string {
    const s = this.source;
    if (c === '\n') return '';
    if (c === '\r') {
      if (s[this.pos] === '\n') this.pos++;
      return '';
    }
    if (c in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[c]!;
    if (c >= '0' && c <= '7') {
      let digits = c;
      while (digits.length < 3 && s[this.pos]! >= '0' && s[this.pos]! <= '7') digits += s[this.pos++];
      return String.fromCodePoint(parseInt(digits, 8));
    }
    const hexLength = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
    if (hexLength > 0) {
      const digits = s.slice(this.pos, this.pos + hexLength);
      if (digits.length !== hexLength || !HEX.test(digits)) throw illFormed();
      const code = parseInt(digits, 16);
      if (code > 0x10ffff) throw illFormed();
      this.pos += hexLength;
      return String.fromCodePoint(code);
    }
    if (c === 'N') throw illFormed(); // \N{NAME}: not supported
    return '\\' + c; // unknown escapes stay as written
  }
}

/** The strings listed in `source`, the parenthesised text after IN / NOT IN. */
export function parseStringList(source: string): string[] {
  const value = new LiteralReader(source).read();
  const items = value.kind === 'tuple' ? value.items : [value];
  if (items.length === 0) {
    throw invalidParameter(
      'While parsing a list in the query, expected a non-empty list of string values, but got empty list',
    );
  }
  return items.map((item) => {
    if (item.kind !== 'str') {
      throw invalidParameter(
        'While parsing a list in the query, expected string value, punctuation, or whitespace, ' +
          `but got different type in list: ${source}`,
      );
    }
    return item.value;
  });
}
