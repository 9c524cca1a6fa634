// Small readings MLflow applies to identifier and value text.

import { invalidParameter } from '../http/errors.ts';
import { isSpace } from './lexer.ts';

const quotedWith = (text: string, quote: string): boolean =>
  text.length >= 2 && text.startsWith(quote) && text.endsWith(quote);

/** `'x'` or `"x"` → `x`; anything else unchanged. */
const stripQuotes = (text: string): string =>
  quotedWith(text, "'") || quotedWith(text, '"') ? text.slice(1, -1) : text;

/** `` `x` `` → `x`; anything else unchanged. */
export const trimBackticks = (text: string): string => (quotedWith(text, '`') ? text.slice(1, -1) : text);

/** A key as MLflow reads it: quotes first, then backticks. */
export const unquoteKey = (text: string): string => trimBackticks(stripQuotes(text));

/** A string value must be quoted; MLflow's message otherwise. */
export function quotedValue(text: string): string {
  if (quotedWith(text, "'") || quotedWith(text, '"')) return text.slice(1, -1);
  throw invalidParameter(
    `Parameter value is either not quoted or unidentified quote types used for string value ${text}. ` +
      'Use either single or double quotes.',
  );
}

/** Python's int(str): surrounding whitespace, a sign, digits with single underscores between. */
export function pythonInt(text: string): bigint | undefined {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text[start])) start++;
  while (end > start && isSpace(text[end - 1])) end--;
  const core = text.slice(start, end);
  if (!/^[+-]?[0-9]+(?:_[0-9]+)*$/.test(core)) return undefined;
  return BigInt(core.replace(/_/g, ''));
}

/** Python's repr() of a set of strings, for messages that list valid keys. */
export const pythonSet = (values: Iterable<string>): string => `{${[...values].map((v) => `'${v}'`).join(', ')}}`;
