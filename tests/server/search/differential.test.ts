// Differential test: thousands of generated filter and order_by strings go to our parsers and to
// MLflow itself (mlflow_oracle.py: MLflow's parser plus its SQL stores' operator checks). Both must
// accept exactly the same strings and, where they accept, understand the same comparisons.
//
// Deliberate deviations (MLflow accepts, we refuse), recognised below from what MLflow parsed:
//  - a parenthesised list after = != LIKE ILIKE (`run_id = ('a')`): MLflow passes a tuple on to SQL;
//  - text sqlparse glues into a key: `metrics.a DESC > 1`, `metrics.a ('x') > 1`, and an IS NULL
//    clause right after another clause without AND (`tags.a = 'x' tags.b IS NULL` → key
//    "a = 'x' tags.b"): MLflow silently searches for a key nobody has;
//  - model-version order_by `tags.name`: MLflow ignores the `tags.` and orders by name;
//  - order_by text MLflow only makes sense of after sqlparse's alias grouping and shell-style
//    splitting (`start_time as\c` reads as ASC, `metrics.a<U+001C>b` as the key "a<U+001C>b").
// Not generated, and also deviations: numbers in non-ASCII digits, `\N{...}` escapes in IN lists,
// `[...]` after a key (`metrics.a[0]`).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MlflowError } from '../../../server/http/errors.ts';
import type { Comparison, OrderBy } from '../../../server/search/ast.ts';
import {
  parseExperimentFilter,
  parseModelVersionFilter,
  parseRegisteredModelFilter,
  parseRunFilter,
} from '../../../server/search/filter.ts';
import { groupFunctions, groupIdentifiers, groupParentheses } from '../../../server/search/clauses.ts';
import { tokenize } from '../../../server/search/lexer.ts';
import { parseOrderBy } from '../../../server/search/order-by.ts';
import { Generator, rng, type SearchKind } from './generate.ts';

const ORACLE = fileURLToPath(new URL('./mlflow_oracle.py', import.meta.url));
const PYTHON = fileURLToPath(new URL('../../../.venv/bin/python', import.meta.url));

interface Case {
  kind: SearchKind;
  mode: 'filter' | 'order_by';
  text: string;
}
interface OracleComparison {
  type: string;
  key: string;
  op: string;
  value: string | string[];
}
interface Answer {
  ok: boolean;
  error: string | null;
  parsed?: OracleComparison[] | OrderBy;
}

const FILTERS = {
  run: parseRunFilter,
  experiment: parseExperimentFilter,
  registered_model: parseRegisteredModelFilter,
  model_version: parseModelVersionFilter,
};

function askMlflow(cases: Case[]): Answer[] {
  const input = cases.map((c) => JSON.stringify({ kind: c.kind, [c.mode]: c.text })).join('\n') + '\n';
  const result = spawnSync(PYTHON, [ORACLE], {
    input,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, PYTHONIOENCODING: 'utf-8' },
  });
  if (result.status !== 0) throw new Error(`oracle failed: ${result.stderr}`);
  return result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Answer);
}

type Ours = { ok: true; parsed: Comparison[] | OrderBy } | { ok: false; message: string };

function askUs(c: Case): Ours {
  try {
    const parsed = c.mode === 'filter' ? FILTERS[c.kind](c.text) : parseOrderBy(c.text, c.kind);
    return { ok: true, parsed };
  } catch (error) {
    if (!(error instanceof MlflowError) || error.errorCode !== 'INVALID_PARAMETER_VALUE') throw error;
    return { ok: false, message: error.message };
  }
}

const pythonNumber = (text: string): number => (text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text));

function sameComparison(ours: Comparison, theirs: OracleComparison): boolean {
  const value =
    typeof ours.value === 'number'
      ? typeof theirs.value === 'string' && ours.value === pythonNumber(theirs.value)
      : JSON.stringify(ours.value) === JSON.stringify(theirs.value);
  return ours.type === theirs.type && ours.key === theirs.key && ours.op === theirs.op && value;
}

function sameMeaning(c: Case, ours: Comparison[] | OrderBy, theirs: Answer['parsed']): boolean {
  if (c.mode === 'order_by') return JSON.stringify(ours) === JSON.stringify(theirs);
  const list = theirs as OracleComparison[];
  const mine = ours as Comparison[];
  return mine.length === list.length && mine.every((comparison, i) => sameComparison(comparison, list[i]!));
}

/** Why MLflow may accept what we refuse, when the case is one of the documented deviations. */
function deviation(c: Case, theirs: Answer['parsed']): string | undefined {
  if (c.mode === 'order_by') {
    if (c.kind === 'model_version' && /^tags?\./.test(c.text)) return 'tag key read as attribute';
    // sqlparse glues `key AS x`, `key other`, `key "desc"` into one identifier that MLflow then
    // splits shell-style: recognised as more than one identifier, or AS, in the clause.
    const items = groupIdentifiers(groupFunctions(groupParentheses(c.text, tokenize(c.text, 'order_by clause'), 'order_by clause')));
    const identifiers = items.filter((item) => item.kind === 'identifier').length;
    const as = items.some((item) => item.kind === 'token' && item.token.word === 'AS');
    return identifiers > 1 || as ? 'sqlparse alias in order_by' : undefined;
  }
  for (const comparison of theirs as OracleComparison[]) {
    if (Array.isArray(comparison.value) && comparison.op !== 'IN' && comparison.op !== 'NOT IN') {
      return 'list after a non-IN operator';
    }
    if (/[([]|\s(ASC|DESC)\b/i.test(comparison.key)) return 'text glued into a key';
    if (comparison.op.startsWith('IS ') && /\s/.test(comparison.key)) return 'text glued into an IS NULL key';
  }
  return undefined;
}

function generateCases(): Case[] {
  const generate = new Generator(rng(Number(process.env.SEARCH_FUZZ_SEED ?? 20240611)));
  const cases: Case[] = [];
  const counts: Record<SearchKind, [number, number]> = {
    run: [2400, 400],
    experiment: [600, 200],
    registered_model: [300, 150],
    model_version: [500, 150],
  };
  for (const [kind, [filters, orderBys]] of Object.entries(counts) as [SearchKind, [number, number]][]) {
    for (let i = 0; i < filters; i++) cases.push({ kind, mode: 'filter', text: generate.filter(kind) });
    for (let i = 0; i < orderBys; i++) cases.push({ kind, mode: 'order_by', text: generate.orderBy(kind) });
  }
  for (let i = 0; i < 12; i++) cases.push({ kind: 'run', mode: 'filter', text: generate.huge('run') });
  return cases;
}

describe('search parsers against MLflow itself', () => {
  it('accept exactly what MLflow accepts and read the same comparisons', { timeout: 60_000 }, () => {
    const cases = generateCases();
    const answers = askMlflow(cases);
    expect(answers).toHaveLength(cases.length);

    const mismatches: string[] = [];
    const deviations = new Map<string, number>();
    let accepted = 0;
    cases.forEach((c, i) => {
      const theirs = answers[i]!;
      const ours = askUs(c); // a non-MlflowError escapes and fails the test
      const show = `${c.kind} ${c.mode} ${JSON.stringify(c.text.length > 300 ? c.text.slice(0, 300) + '…' : c.text)}`;
      if (ours.ok && theirs.ok) {
        accepted++;
        if (!sameMeaning(c, ours.parsed, theirs.parsed)) {
          mismatches.push(`${show}\n  ours:   ${JSON.stringify(ours.parsed)}\n  mlflow: ${JSON.stringify(theirs.parsed)}`);
        }
      } else if (ours.ok !== theirs.ok) {
        const reason = !ours.ok ? deviation(c, theirs.parsed) : undefined;
        if (reason) deviations.set(reason, (deviations.get(reason) ?? 0) + 1);
        else {
          const oursSays = ours.ok ? `accepts ${JSON.stringify(ours.parsed)}` : `refuses: ${ours.message.slice(0, 200)}`;
          const theySay = theirs.ok ? `accepts ${JSON.stringify(theirs.parsed)}` : `refuses: ${theirs.error?.slice(0, 200)}`;
          mismatches.push(`${show}\n  ours ${oursSays}\n  mlflow ${theySay}`);
        }
      }
    });
    console.info(
      `differential: ${cases.length} cases, ${accepted} accepted by both, deviations ${JSON.stringify(Object.fromEntries(deviations))}`,
    );
    expect(mismatches.slice(0, 25).join('\n'), `${mismatches.length} mismatches`).toBe('');
    // The generator must exercise both outcomes in earnest.
    expect(accepted).toBeGreaterThan(cases.length / 5);
    expect(cases.length - accepted).toBeGreaterThan(cases.length / 5);
  });
});
