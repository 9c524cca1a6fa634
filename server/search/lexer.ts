// Tokenizer for MLflow search strings. MLflow hands filters and order_by clauses to sqlparse and
// then inspects its tokens, so what MLflow accepts depends on where sqlparse's lexer draws token
// boundaries (a number glued to a word, a quote doubled inside a string, a word before a dot). This
// lexer reproduces those boundaries for everything that can appear in an accepted search string;
// whatever MLflow never accepts at top level collapses into `other`. Hand-written and linear: no
// regex backtracking over user input.

import { invalidParameter } from '../http/errors.ts';

export type TokenKind =
  | 'space' // a run of whitespace
  | 'name' // word, `backticked`, ´acute´, [bracketed] or placeholder: may start an identifier
  | 'symbol' // "double-quoted": an identifier to sqlparse, a string value to MLflow
  | 'string' // 'single-quoted'
  | 'int'
  | 'float'
  | 'hex'
  | 'keyword' // AND OR NOT IN IS NULL, NOT NULL, ASC, DESC: `word` holds the upper-cased form
  | 'operator' // comparison operator: [<>=~!]+, (NOT) LIKE / ILIKE / RLIKE, REGEXP
  | 'dot'
  | 'open'
  | 'close'
  | 'wildcard'
  | 'other'; // comments, punctuation, arithmetic, stray characters

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  /** For keywords and operators: the normalised spelling (`NOT NULL`, `LIKE`, `>=`). */
  word?: string;
}

/** sqlparse refuses statements of more than this many tokens (each whitespace character counts). */
const MAX_TOKENS = 10_000;

// Only these of sqlparse's many keywords decide anything here. PARAMETER(S) matters where it is not
// read as a name before a dot: `parameters.1_a` (the dot starts a number) is no identifier.
const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IS', 'NULL', 'PARAMETER', 'PARAMETERS']);
// sqlparse takes these for keywords even right after a dot (`metrics.in` is no identifier).
const STICKY_KEYWORDS = new Set(['IN', 'CASE', 'VALUES', 'USING', 'FROM', 'AS']);
// Python's `\s` (str patterns): ASCII whitespace, the information separators U+001C..U+001F, NEL
// and the Unicode spaces.
const SPACE = new Set(
  [9, 10, 11, 12, 13, 0x1c, 0x1d, 0x1e, 0x1f, 32, 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]
    .concat(Array.from({ length: 11 }, (_, i) => 0x2000 + i))
    .map((code) => String.fromCharCode(code)),
);
const WORD = /[\p{L}\p{N}_]/u; // Python's `\w`
const LATIN = /[A-ZÀ-Ü]/iu; // sqlparse's [A-ZÀ-Ü] under IGNORECASE
const DIGIT = /[0-9]/;
const HEX_DIGIT = /[0-9a-f]/i;

export const isSpace = (c: string | undefined): boolean => c !== undefined && SPACE.has(c);
const isWord = (c: string | undefined): boolean => c !== undefined && WORD.test(c);
const isLatin = (c: string | undefined): boolean => c !== undefined && LATIN.test(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && DIGIT.test(c);
/** sqlparse's number patterns refuse to end right before a letter of [A-ZÀ-Ü] or `_`. */
const gluedToWord = (c: string | undefined): boolean => c === '_' || isLatin(c);

/** Where the run of \w characters starting at `i` ends. */
function wordEnd(text: string, i: number): number {
  while (i < text.length && isWord(text[i])) i++;
  return i;
}

/** Where the run of whitespace starting at `i` ends. */
function spaceEnd(text: string, i: number): number {
  while (i < text.length && isSpace(text[i])) i++;
  return i;
}

/** End of `word` at `i` (case-insensitive, followed by a word boundary), or -1. */
function keywordAt(text: string, i: number, word: string): number {
  const end = i + word.length;
  if (text.slice(i, end).toUpperCase() !== word || isWord(text[end])) return -1;
  return end;
}

/**
 * Quoted strings, quoted names. sqlparse matches them with a backtracking regex such as
 * '(''|\\'|[^'])*' whose first match is not simply "up to the next quote" ('a\'' or 'a''' at the end
 * of the text). `closeAfter[i]` is the end of that first match when the loop stands at `i`, computed
 * once from the right so every string costs O(1) and the whole text O(n).
 */
class QuoteTable {
  private readonly closeAfter = new Map<string, Int32Array>();
  constructor(private readonly text: string) {}

  /** End (exclusive) of the quoted token opening at `start`, or -1 when it never closes. */
  end(start: number, backslashEscapes: boolean): number {
    const quote = this.text[start]!;
    let table = this.closeAfter.get(quote);
    if (!table) {
      table = this.build(quote, backslashEscapes);
      this.closeAfter.set(quote, table);
    }
    return table[start + 1]!;
  }

  private build(quote: string, backslashEscapes: boolean): Int32Array {
    const text = this.text;
    const n = text.length;
    const table = new Int32Array(n + 2).fill(-1);
    for (let i = n - 1; i >= 0; i--) {
      const c = text[i];
      if (c === quote) {
        // A doubled quote continues the string if that leads anywhere; otherwise this one closes it.
        table[i] = text[i + 1] === quote && table[i + 2]! !== -1 ? table[i + 2]! : i + 1;
      } else if (backslashEscapes && c === '\\' && text[i + 1] === quote) {
        table[i] = table[i + 2]! !== -1 ? table[i + 2]! : table[i + 1]!;
      } else {
        table[i] = table[i + 1]!;
      }
    }
    return table;
  }
}

/** Numbers as sqlparse reads them: hex, 1.5E-3, 1.5 / 1. / .5, 42 (each optionally negative). */
function numberAt(text: string, i: number): { kind: 'int' | 'float' | 'hex'; end: number } | undefined {
  const j = text[i] === '-' ? i + 1 : i;
  // -?0x[0-9A-F]+
  if (text[j] === '0' && (text[j + 1] === 'x' || text[j + 1] === 'X') && HEX_DIGIT.test(text[j + 2] ?? '')) {
    let k = j + 2;
    while (k < text.length && HEX_DIGIT.test(text[k]!)) k++;
    return { kind: 'hex', end: k };
  }
  const digitsFrom = (k: number): number => {
    while (k < text.length && isDigit(text[k])) k++;
    return k;
  };
  const intEnd = digitsFrom(j);
  if (intEnd > j) {
    // -?\d+(\.\d+)?E-?\d+ (no guard against a following word)
    let k = intEnd;
    if (text[k] === '.' && isDigit(text[k + 1])) k = digitsFrom(k + 1);
    for (const mantissaEnd of k === intEnd ? [k] : [k, intEnd]) {
      if (text[mantissaEnd] === 'e' || text[mantissaEnd] === 'E') {
        const e = text[mantissaEnd + 1] === '-' ? mantissaEnd + 2 : mantissaEnd + 1;
        const expEnd = digitsFrom(e);
        if (expEnd > e) return { kind: 'float', end: expEnd };
      }
    }
    // -?\d+\.\d* not followed by [_A-ZÀ-Ü]; the fraction gives back digits until that holds.
    if (text[intEnd] === '.') {
      for (let end = digitsFrom(intEnd + 1); end > intEnd; end--) {
        if (!gluedToWord(text[end])) return { kind: 'float', end };
      }
    }
  } else if (text[j] === '.' && isDigit(text[j + 1])) {
    for (let end = digitsFrom(j + 1); end > j + 1; end--) {
      if (!gluedToWord(text[end])) return { kind: 'float', end };
    }
    return undefined;
  }
  // -?\d+ not followed by [_A-ZÀ-Ü]; gives back digits until that holds.
  for (let end = intEnd; end > j; end--) {
    if (!gluedToWord(text[end])) return { kind: 'int', end };
  }
  return undefined;
}

/** The multi-word keywords sqlparse recognises before plain words, as far as they matter here. */
function phraseAt(text: string, i: number): Token | undefined {
  const afterNot = (() => {
    const notEnd = keywordAt(text, i, 'NOT');
    if (notEnd === -1 || !isSpace(text[notEnd])) return -1;
    return spaceEnd(text, notEnd);
  })();
  if (afterNot !== -1) {
    const nullEnd = keywordAt(text, afterNot, 'NULL');
    if (nullEnd !== -1) return { kind: 'keyword', start: i, end: nullEnd, word: 'NOT NULL' };
  }
  for (const from of afterNot === -1 ? [i] : [afterNot, i]) {
    for (const op of ['LIKE', 'ILIKE', 'RLIKE', 'REGEXP']) {
      const end = keywordAt(text, from, op);
      if (end !== -1) return { kind: 'operator', start: i, end, word: from === i ? op : `NOT ${op}` };
    }
  }
  for (const order of ['ASC', 'DESC']) {
    const end = keywordAt(text, i, order);
    if (end !== -1) return { kind: 'keyword', start: i, end, word: order };
  }
  return undefined;
}

/** Placeholders (`?`, `%s`, `%(x)s`, `:x`, `$x`) and `@x` / `#x` names: sqlparse types them as names. */
function placeholderAt(text: string, i: number): number {
  const c = text[i];
  if (c === '?') return i + 1;
  if (c === '%') {
    if (text[i + 1] === 's') return i + 2;
    if (text[i + 1] === '(') {
      const close = wordEnd(text, i + 2);
      if (close > i + 2 && text[close] === ')' && text[close + 1] === 's') return close + 2;
    }
    return -1;
  }
  if ((c === '$' || c === ':') && !isWord(text[i - 1])) {
    const end = wordEnd(text, i + 1);
    return end > i + 1 ? end : -1;
  }
  if (c === '@' || c === '#') {
    const from = c === '#' && text[i + 1] === '#' ? i + 2 : i + 1;
    if (isLatin(text[from]) && isWord(text[from + 1])) return wordEnd(text, from + 1);
  }
  return -1;
}

/**
 * Splits a search string into tokens. Runs of whitespace come back as one `space` token, but are
 * counted character by character against MAX_TOKENS, as sqlparse does.
 */
export function tokenize(text: string, what: 'filter' | 'order_by clause'): Token[] {
  const onTooLong = () => unparsable(what, text);
  const tokens: Token[] = [];
  const quotes = new QuoteTable(text);
  let count = 0;
  let i = 0;
  const push = (kind: TokenKind, end: number, word?: string): void => {
    tokens.push(word === undefined ? { kind, start: i, end } : { kind, start: i, end, word });
    i = end;
  };
  while (i < text.length) {
    if (++count > MAX_TOKENS) onTooLong();
    const c = text[i]!;
    const next = text[i + 1];

    if (isSpace(c)) {
      const end = spaceEnd(text, i);
      // \r\n is one token to sqlparse, any other whitespace character one each.
      let chars = end - i;
      for (let k = i; k + 1 < end; k++) if (text[k] === '\r' && text[k + 1] === '\n') chars--;
      count += chars - 1;
      if (count > MAX_TOKENS) onTooLong();
      push('space', end);
      continue;
    }
    // `-- ...` and `# ...` comments run to the end of the line.
    if ((c === '-' && next === '-') || (c === '#' && next === ' ')) {
      let end = i + 2;
      while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
      if (text[end] === '\r' && text[end + 1] === '\n') end++;
      push('other', Math.min(end + 1, text.length));
      continue;
    }
    if (c === ':' && (next === '=' || next === ':')) {
      push('other', i + 2);
      continue;
    }
    if (c === '*') {
      push('wildcard', i + 1);
      continue;
    }
    if (c === '`' || c === '´') {
      const end = quotes.end(i, false);
      if (end !== -1) {
        push('name', end);
        continue;
      }
    }
    const placeholderEnd = placeholderAt(text, i);
    if (placeholderEnd !== -1) {
      push('name', placeholderEnd);
      continue;
    }
    if (c === '\\' && isWord(next)) {
      push('other', wordEnd(text, i + 1));
      continue;
    }
    if (isWord(c)) {
      const end = wordEnd(text, i);
      const upper = text.slice(i, end).toUpperCase();
      const before = spaceEnd(text, end);
      const beforeDot = text[before] === '.' && !isDigit(text[before + 1]);
      if (STICKY_KEYWORDS.has(upper)) {
        push('keyword', end, upper);
        continue;
      }
      if (isLatin(c) && (beforeDot || text[i - 1] === '.' || text[end] === '(')) {
        push('name', end);
        continue;
      }
    }
    if (c === '-' || c === '.' || isDigit(c)) {
      const number = numberAt(text, i);
      if (number) {
        push(number.kind, number.end);
        continue;
      }
    }
    if (c === "'" || c === '"') {
      const end = quotes.end(i, true);
      if (end !== -1) {
        push(c === "'" ? 'string' : 'symbol', end);
        continue;
      }
    }
    if (c === '[' && !isWord(text[i - 1]) && text[i - 1] !== ']' && text[i - 1] !== ')') {
      let end = i + 1;
      while (end < text.length && text[end] !== ']' && text[end] !== '[') end++;
      if (text[end] === ']' && end > i + 1) {
        push('name', end + 1);
        continue;
      }
    }
    if (isWord(c)) {
      const phrase = phraseAt(text, i);
      if (phrase) {
        push(phrase.kind, phrase.end, phrase.word);
        continue;
      }
      // \w[$#\w]*
      let end = i + 1;
      while (end < text.length && (isWord(text[end]) || text[end] === '$' || text[end] === '#')) end++;
      const upper = text.slice(i, end).toUpperCase();
      if (KEYWORDS.has(upper)) push('keyword', end, upper);
      else push('name', end);
      continue;
    }
    if (c === '.') push('dot', i + 1);
    else if (c === '(') push('open', i + 1);
    else if (c === ')') push('close', i + 1);
    else if ('<>=~!'.includes(c)) {
      let end = i + 1;
      while (end < text.length && '<>=~!'.includes(text[end]!)) end++;
      // `<@` is a JSON operator to sqlparse, matched before comparisons.
      if (c === '<' && next === '@') push('other', i + 2);
      else push('operator', end, text.slice(i, end));
    } else push('other', i + 1);
  }
  return tokens;
}

/** A token's text. */
export const textOf = (text: string, token: { start: number; end: number }): string =>
  text.slice(token.start, token.end);

/** Raised when MLflow's parser (sqlparse) gives up on a string altogether. */
export const unparsable = (what: 'filter' | 'order_by clause', text: string): never => {
  throw invalidParameter(`Error on parsing ${what} '${text}'`);
};
