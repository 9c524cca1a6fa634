// order_by clauses (`metrics.loss DESC`, `params.lr`, `attributes.start_time ASC`), read as MLflow
// 3 reads them: sqlparse must see one identifier, optionally followed by ASC or DESC; MLflow then
// splits the clause shell-style (backticks read as double quotes) and looks the key up per entity.
// Duplicate keys across a list of clauses are the caller's to refuse.
//
// Deliberate deviations (MLflow accepts, we refuse): text sqlparse glues into one identifier as an
// alias (`start_time as\c` reads as ASC after shell unescaping; `metrics.a<U+001C>b`), and
// model-version `tags.name`, which MLflow orders by the name attribute.

import { invalidParameter } from '../http/errors.ts';
import type { OrderBy } from './ast.ts';
import { groupFunctions, groupIdentifiers, groupParentheses } from './clauses.ts';
import {
  EXPERIMENT_ATTRIBUTES,
  experimentIdentifier,
  RUN_ORDER_BY_ATTRIBUTES,
  runAttribute,
  runIdentifier,
} from './filter.ts';
import { isSpace, tokenize } from './lexer.ts';
import { pythonSet } from './quoting.ts';

export type SearchKind = 'run' | 'experiment' | 'registered_model' | 'model_version';

const REGISTERED_MODEL_KEYS = ['name', 'timestamp', 'last_updated_timestamp'];
const MODEL_VERSION_KEYS = ['name', 'version_number', 'creation_timestamp', 'last_updated_timestamp'];

const SHELL_SPACE = ' \t\r\n';

/** Python's shlex.split (POSIX mode, no comments); undefined where it raises. */
export function shellSplit(text: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (SHELL_SPACE.includes(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '\\') {
      if (i + 1 >= text.length) return undefined;
      word = (word ?? '') + text[++i];
    } else if (c === "'" || c === '"') {
      const close = c === "'" ? text.indexOf("'", i + 1) : doubleQuoteEnd(text, i + 1);
      if (close === -1) return undefined;
      const inner = text.slice(i + 1, close);
      word = (word ?? '') + (c === '"' ? inner.replace(/\\(["\\])/g, '$1') : inner);
      i = close;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Index of the `"` closing a double-quoted shell word whose body starts at `i`, or -1. */
function doubleQuoteEnd(text: string, i: number): number {
  for (; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

const pythonStrip = (text: string): string => {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text[start])) start++;
  while (end > start && isSpace(text[end - 1])) end--;
  return text.slice(start, end);
};

/** The key text and direction of a clause, or MLflow's error. */
function splitClause(clause: string): { keyText: string; ascending: boolean } {
  const couldNotParse = () => invalidParameter(`Invalid order_by clause '${clause}'. Could not be parsed.`);
  const tokens = tokenize(clause, 'order_by clause');
  const items = groupIdentifiers(groupFunctions(groupParentheses(clause, tokens, 'order_by clause')));
  const [first, space, direction] = items;
  const isDirection =
    direction?.kind === 'token' &&
    direction.token.kind === 'keyword' &&
    (direction.token.word === 'ASC' || direction.token.word === 'DESC');
  const oneIdentifier =
    first?.kind === 'identifier' &&
    (items.length === 1 || (items.length === 3 && space?.kind === 'token' && space.token.kind === 'space' && isDirection));
  if (!oneIdentifier) throw couldNotParse();

  const words = shellSplit(clause.replace(/`/g, '"'));
  if (words === undefined || words.length > 2) throw couldNotParse();
  if (words.length < 2) return { keyText: pythonStrip(clause), ascending: true };
  const order = words[1]!.toLowerCase();
  if (order !== 'asc' && order !== 'desc') {
    throw invalidParameter(`Invalid ordering key in order_by clause '${clause}'.`);
  }
  return { keyText: pythonStrip(words[0]!), ascending: order === 'asc' };
}

/** One order_by clause of a search of `kind`. */
export function parseOrderBy(clause: string, kind: SearchKind): OrderBy {
  const { keyText, ascending } = splitClause(clause);
  switch (kind) {
    case 'run': {
      const { type, key } = runIdentifier(keyText, RUN_ORDER_BY_ATTRIBUTES);
      if (type === 'dataset') throw invalidParameter(`Invalid identifier type 'dataset'`);
      return { type, key: type === 'attribute' ? runAttribute(key) : key, ascending };
    }
    case 'experiment': {
      const { type, key } = experimentIdentifier(keyText, EXPERIMENT_ATTRIBUTES);
      if (type !== 'attribute') throw invalidParameter(`Invalid order_by entity: ${type}`);
      return { type, key, ascending };
    }
    case 'registered_model': {
      if (!REGISTERED_MODEL_KEYS.includes(keyText)) {
        throw invalidParameter(
          `Invalid order by key '${keyText}' specified. Valid keys are '${pythonSet(['name', 'timestamp'])}'`,
        );
      }
      // MLflow orders `timestamp` by the last update.
      const key = keyText === 'name' ? 'name' : 'last_updated_timestamp';
      return { type: 'attribute', key, ascending };
    }
    case 'model_version': {
      const { type, key } = experimentIdentifier(keyText, MODEL_VERSION_KEYS);
      if (type !== 'attribute') {
        throw invalidParameter(`Invalid order by key '${key}' specified. Valid keys are ${pythonSet(MODEL_VERSION_KEYS)}`);
      }
      return { type, key, ascending };
    }
  }
}
