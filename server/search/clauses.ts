// Splits a filter into its comparisons the way MLflow does: sqlparse groups tokens (parentheses,
// dotted identifiers, `x <op> y`), then MLflow joins `x IN (...)`, `x NOT IN (...)`, `x IS NULL`,
// `x IS NOT NULL` and insists that everything else at top level is a comparison or AND. AND is
// optional between comparisons and may lead or trail, as in MLflow. What the comparisons mean is
// decided per entity in filter.ts.

import { invalidParameter } from '../http/errors.ts';
import { textOf, tokenize, unparsable, type Token } from './lexer.ts';

/** sqlparse refuses parentheses nested deeper than this. */
const MAX_DEPTH = 100;

/** One side of a comparison, with its source text. */
export interface Operand {
  kind: 'identifier' | 'string' | 'int' | 'float' | 'hex' | 'list' | 'null' | 'other';
  text: string;
}

export interface RawComparison {
  left: Operand;
  /** The operator as written (`like`, `>=`), or IN / NOT IN / IS NULL / IS NOT NULL as MLflow names them. */
  op: string;
  /** Absent for IS NULL / IS NOT NULL. */
  right?: Operand;
}

interface Span {
  start: number;
  end: number;
}

export type Item =
  | (Span & { kind: 'token'; token: Token })
  | (Span & { kind: 'identifier' | 'list' | 'junk' })
  | (Span & { kind: 'comparison'; left: Item; op: Item; right: Item });

const isSpace = (item: Item | undefined): boolean => item?.kind === 'token' && item.token.kind === 'space';
const isKeyword = (item: Item | undefined, word: string): boolean =>
  item?.kind === 'token' && item.token.kind === 'keyword' && item.token.word === word;
const tokenKind = (item: Item | undefined): string | undefined => (item?.kind === 'token' ? item.token.kind : undefined);

/** Index of the first non-space item at or after `i`. */
function nextSolid(items: Item[], i: number): number {
  while (i < items.length && isSpace(items[i])) i++;
  return i;
}

/** Matched parentheses become one `list` item each; unmatched ones stay tokens (and are invalid). */
export function groupParentheses(text: string, tokens: Token[], what: 'filter' | 'order_by clause'): Item[] {
  const closeOf = new Int32Array(tokens.length).fill(-1);
  const open: number[] = [];
  tokens.forEach((token, i) => {
    if (token.kind === 'open') open.push(i);
    else if (token.kind === 'close' && open.length > 0) closeOf[open.pop()!] = i;
  });
  // Nesting counts matched pairs only: the closers of the pairs open at each token.
  const closers: number[] = [];
  closeOf.forEach((close, i) => {
    while (closers.length > 0 && closers[closers.length - 1]! < i) closers.pop();
    if (close !== -1 && closers.push(close) > MAX_DEPTH) unparsable(what, text);
  });
  const items: Item[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const close = closeOf[i]!;
    if (close !== -1) {
      items.push({ kind: 'list', start: token.start, end: tokens[close]!.end });
      i = close;
    } else {
      items.push({ kind: 'token', token, start: token.start, end: token.end });
    }
  }
  return items;
}

/** `name (...)` is a function call to sqlparse: never part of an accepted search string. */
export function groupFunctions(items: Item[]): Item[] {
  const out: Item[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const next = nextSolid(items, i + 1);
    if (tokenKind(item) === 'name' && items[next]?.kind === 'list') {
      out.push({ kind: 'junk', start: item.start, end: items[next]!.end });
      i = next;
    } else {
      out.push(item);
    }
  }
  return out;
}

const SEGMENT_KINDS = new Set(['name', 'symbol', 'wildcard', 'string']);

/**
 * Dotted identifiers: a name or "symbol", then any number of `.segment`, spaces allowed around the
 * dots and kept in the text (MLflow reads keys from the raw text). A dot followed by something that
 * cannot continue an identifier still ends it, as in sqlparse (`metrics. > 1` is the metric '').
 */
export function groupIdentifiers(items: Item[]): Item[] {
  const out: Item[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const kind = tokenKind(item);
    if (kind !== 'name' && kind !== 'symbol') {
      out.push(item);
      continue;
    }
    let end = item.end;
    let last = i;
    for (;;) {
      const dot = nextSolid(items, last + 1);
      if (tokenKind(items[dot]) !== 'dot') break;
      end = items[dot]!.end;
      last = dot;
      const segment = nextSolid(items, dot + 1);
      const segmentKind = tokenKind(items[segment]);
      if (segmentKind === undefined || !SEGMENT_KINDS.has(segmentKind)) break;
      end = items[segment]!.end;
      last = segment;
    }
    out.push({ kind: 'identifier', start: item.start, end });
    i = last;
  }
  return out;
}

const OPERAND_TOKENS = new Set(['string', 'int', 'float', 'hex']);
const isOperand = (item: Item | undefined): boolean =>
  item !== undefined &&
  (item.kind === 'identifier' ||
    item.kind === 'list' ||
    (item.kind === 'token' && OPERAND_TOKENS.has(item.token.kind)) ||
    isKeyword(item, 'NULL'));

/** `x <op> y`, each side a single operand; comparisons do not chain. */
function groupComparisons(items: Item[]): Item[] {
  const out: Item[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (tokenKind(item) === 'operator') {
      let prev = out.length - 1;
      while (prev >= 0 && isSpace(out[prev])) prev--;
      const next = nextSolid(items, i + 1);
      const left = out[prev];
      const right = items[next];
      if (left && right && isOperand(left) && isOperand(right)) {
        out.length = prev;
        out.push({ kind: 'comparison', left, op: item, right, start: left.start, end: right.end });
        i = next;
        continue;
      }
    }
    out.push(item);
  }
  return out;
}

const ALIASABLE = new Set(['comparison', 'list', 'identifier', 'junk']);
const NUMBER_TOKENS = new Set(['int', 'float', 'hex']);

/**
 * sqlparse glues an identifier onto a preceding comparison, list, identifier or number as an alias
 * (`a = 'x' tags.b IS NULL` becomes the key "a = 'x' tags.b"). MLflow then reads nonsense keys from
 * such text; we refuse it instead (a deliberate deviation).
 */
function markAliases(items: Item[]): Item[] {
  const solid = items.filter((item) => !isSpace(item));
  const out: Item[] = [];
  for (let i = 0; i < solid.length; i++) {
    const item = solid[i]!;
    const next = solid[i + 1];
    const aliasable = ALIASABLE.has(item.kind) || NUMBER_TOKENS.has(tokenKind(item) ?? '');
    if (aliasable && next?.kind === 'identifier') {
      out.push({ kind: 'junk', start: item.start, end: next.end });
      i++;
    } else {
      out.push(item);
    }
  }
  return out;
}

function operand(text: string, item: Item): Operand {
  const source = textOf(text, item);
  if (item.kind === 'identifier' || item.kind === 'list') return { kind: item.kind, text: source };
  if (item.kind === 'token') {
    const kind = item.token.kind;
    if (kind === 'string' || kind === 'int' || kind === 'float' || kind === 'hex') return { kind, text: source };
    if (isKeyword(item, 'NULL')) return { kind: 'null', text: source };
  }
  return { kind: 'other', text: source };
}

/**
 * The comparisons of a filter, in order. Throws INVALID_PARAMETER_VALUE, with MLflow's message, for
 * anything MLflow's statement check refuses (OR, parentheses, stray tokens, several statements).
 * `quoteInvalid`: the tracking filter quotes each offending clause in its message, the others not.
 */
export function splitComparisons(text: string, quoteInvalid: boolean): RawComparison[] {
  const tokens = tokenize(text, 'filter');
  if (tokens.every((token) => token.kind === 'space')) {
    throw invalidParameter(`Invalid filter '${text}'. Could not be parsed.`);
  }
  const semicolon = tokens.findIndex((token) => token.kind === 'other' && textOf(text, token) === ';');
  if (semicolon !== -1 && tokens.slice(semicolon + 1).some((token) => token.kind !== 'space')) {
    throw invalidParameter(
      `Search filter contained multiple expression ${pythonRepr(text)}. Provide AND-ed expression list.`,
    );
  }
  const items = markAliases(groupComparisons(groupIdentifiers(groupFunctions(groupParentheses(text, tokens, 'filter')))));

  const comparisons: RawComparison[] = [];
  const invalid: Item[] = [];
  const single = (item: Item): void => {
    if (item.kind === 'comparison') {
      comparisons.push({ left: operand(text, item.left), op: textOf(text, item.op), right: operand(text, item.right) });
    } else if (!isKeyword(item, 'AND')) {
      invalid.push(item);
    }
  };
  // MLflow looks at windows of up to four items that start with an identifier.
  for (let i = 0; i < items.length; ) {
    const first = items[i]!;
    if (first.kind !== 'identifier' || items.length - i < 3) {
      single(first);
      i++;
      continue;
    }
    const [second, third, fourth] = [items[i + 1]!, items[i + 2]!, items[i + 3]];
    const left = operand(text, first);
    if (isKeyword(second, 'IN') && third.kind === 'list') {
      comparisons.push({ left, op: textOf(text, second), right: operand(text, third) });
      i += 3;
    } else if (isKeyword(second, 'IS') && isKeyword(third, 'NULL')) {
      comparisons.push({ left, op: 'IS NULL' });
      i += 3;
    } else if (isKeyword(second, 'IS') && isKeyword(third, 'NOT NULL') && textOf(text, third).toUpperCase() === 'NOT NULL') {
      comparisons.push({ left, op: 'IS NOT NULL' });
      i += 3;
    } else if (isKeyword(second, 'NOT') && isKeyword(third, 'IN') && fourth?.kind === 'list') {
      comparisons.push({ left, op: 'NOT IN', right: operand(text, fourth) });
      i += 4;
    } else {
      const window = fourth ? 4 : 3;
      items.slice(i, i + window).forEach(single);
      i += window;
    }
  }
  if (invalid.length > 0) {
    const clauses = invalid.map((item) => (quoteInvalid ? `'${textOf(text, item)}'` : textOf(text, item)));
    throw invalidParameter(`Invalid clause(s) in filter string: ${clauses.join(', ')}`);
  }
  return comparisons;
}

/** Python's repr() of a string, as MLflow's messages show it (close enough for messages). */
function pythonRepr(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  const body = value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
}
