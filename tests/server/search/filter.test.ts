import { describe, expect, it } from 'vitest';
import { MlflowError } from '../../../server/http/errors.ts';
import type { Filter } from '../../../server/search/ast.ts';
import {
  parseExperimentFilter,
  parseModelVersionFilter,
  parseRegisteredModelFilter,
  parseRunFilter,
} from '../../../server/search/filter.ts';

const metric = (key: string, op: string, value: number) => ({ type: 'metric', key, op, value });
const param = (key: string, op: string, value: string) => ({ type: 'param', key, op, value });
const tag = (key: string, op: string, value: string) => ({ type: 'tag', key, op, value });
const attr = (key: string, op: string, value: number | string | string[]) => ({ type: 'attribute', key, op, value });
const dataset = (key: string, op: string, value: string | string[]) => ({ type: 'dataset', key, op, value });

const VALID_RUN_FILTERS: [string, object[]][] = [
  ['', []],
  ['metrics.loss > 1', [metric('loss', '>', 1)]],
  ['metric.loss >= 0.5', [metric('loss', '>=', 0.5)]],
  ['metrics.loss = 1', [metric('loss', '=', 1)]],
  ['metrics.loss != 1', [metric('loss', '!=', 1)]],
  ['metrics.loss < -1', [metric('loss', '<', -1)]],
  ['metrics.loss <= -2.5', [metric('loss', '<=', -2.5)]],
  ['metrics.loss>-5', [metric('loss', '>', -5)]],
  ['metrics.loss=-5', [metric('loss', '=', -5)]],
  ['metrics.loss > 1e5', [metric('loss', '>', 1e5)]],
  ['metrics.loss > 1E-3', [metric('loss', '>', 0.001)]],
  ['metrics.loss > -1.5e3', [metric('loss', '>', -1500)]],
  ['metrics.loss > .5', [metric('loss', '>', 0.5)]],
  ['metrics.loss > -.5', [metric('loss', '>', -0.5)]],
  ['metrics.loss > 5.', [metric('loss', '>', 5)]],
  ['metrics.loss > 00012', [metric('loss', '>', 12)]],
  ['metrics.loss < 1e400', [metric('loss', '<', Infinity)]],
  ['metrics.`f1-score` > 0.9', [metric('f1-score', '>', 0.9)]],
  ['metrics."f1 score" > 0.9', [metric('f1 score', '>', 0.9)]],
  ["metrics.'f1 score' > 0.9", [metric('f1 score', '>', 0.9)]],
  ['`metrics`.loss > 1', [metric('loss', '>', 1)]],
  ['metrics.`a.b` > 1', [metric('a.b', '>', 1)]],
  ['metrics.a.b > 1', [metric('a.b', '>', 1)]],
  ['metrics.`a``b` > 1', [metric('a``b', '>', 1)]],
  ['metrics.select > 1', [metric('select', '>', 1)]],
  ['metrics.1_a > 1', [metric('1_a', '>', 1)]],
  ['metrics.日本 > 1', [metric('日本', '>', 1)]],
  ['metrics. > 1', [metric('', '>', 1)]],
  ["params.lr = '0.01'", [param('lr', '=', '0.01')]],
  ['params.lr = "0.01"', [param('lr', '=', '0.01')]],
  ["param.lr != 'x'", [param('lr', '!=', 'x')]],
  ["parameter.lr LIKE '%x%'", [param('lr', 'LIKE', '%x%')]],
  ["parameters.lr ILIKE 'a_c'", [param('lr', 'ILIKE', 'a_c')]],
  ["params.lr like 'x'", [param('lr', 'LIKE', 'x')]],
  ["params.lr iLike 'x'", [param('lr', 'ILIKE', 'x')]],
  ["params.a = ''", [param('a', '=', '')]],
  ["params.a = 'it''s'", [param('a', '=', "it''s")]], // MLflow keeps the doubled quote
  ["params.a = 'a\\'b'", [param('a', '=', "a\\'b")]],
  ["params.a = '日本 語'", [param('a', '=', '日本 語')]],
  ["params.a IS NULL", [param('a', 'IS NULL', '')]],
  ["tags.a IS NOT NULL", [tag('a', 'IS NOT NULL', '')]],
  ['tags.a is  null', [tag('a', 'IS NULL', '')]],
  ["tags.mlflow.runName = 'r'", [tag('mlflow.runName', '=', 'r')]],
  ["tag.`mlflow.user` = 'u'", [tag('mlflow.user', '=', 'u')]],
  ["status = 'FINISHED'", [attr('status', '=', 'FINISHED')]],
  ["attributes.status != 'FAILED'", [attr('status', '!=', 'FAILED')]],
  ["attribute.user_id LIKE 'a%'", [attr('user_id', 'LIKE', 'a%')]],
  ["attr.artifact_uri ILIKE '%x'", [attr('artifact_uri', 'ILIKE', '%x')]],
  ["run.run_name = 'x'", [attr('run_name', '=', 'x')]],
  ["`run name` = 'x'", [attr('run_name', '=', 'x')]],
  ["\"Run Name\" = 'x'", [attr('run_name', '=', 'x')]],
  ["attributes.`status` = 'x'", [attr('status', '=', 'x')]],
  ['start_time > 5', [attr('start_time', '>', 5)]],
  ['attributes.end_time <= 1700000000000', [attr('end_time', '<=', 1700000000000)]],
  ['created > 5', [attr('start_time', '>', 5)]],
  ['Created < 5.5', [attr('start_time', '<', 5.5)]],
  ["run_id IN ('a','b')", [attr('run_id', 'IN', ['a', 'b'])]],
  ["run_id in ('a')", [attr('run_id', 'IN', ['a'])]],
  ["run_id NOT IN ('a', \"b\",)", [attr('run_id', 'NOT IN', ['a', 'b'])]],
  ["attributes.run_id not in ('a')", [attr('run_id', 'NOT IN', ['a'])]],
  ["run_id IN ('a' 'b')", [attr('run_id', 'IN', ['ab'])]], // Python's implicit concatenation
  ["run_id IN (('a'))", [attr('run_id', 'IN', ['a'])]],
  ["run_id IN ('\\x41\\n')", [attr('run_id', 'IN', ['A\n'])]],
  ["run_id IN ('a',\n  'b')", [attr('run_id', 'IN', ['a', 'b'])]],
  ["dataset.name = 'mnist'", [dataset('name', '=', 'mnist')]],
  ["datasets.digest IN ('d1', 'd2')", [dataset('digest', 'IN', ['d1', 'd2'])]],
  ["dataset.context LIKE 'train%'", [dataset('context', 'LIKE', 'train%')]],
  [
    "metrics.loss < 0.1 AND params.lr = '0.01' and tags.x != 'y'",
    [metric('loss', '<', 0.1), param('lr', '=', '0.01'), tag('x', '!=', 'y')],
  ],
  ['metrics.a > 1 aNd metrics.b < 2', [metric('a', '>', 1), metric('b', '<', 2)]],
  ['  metrics.a\t>\t1\nAND\nmetrics.b < 2  ', [metric('a', '>', 1), metric('b', '<', 2)]],
  ["params.a='x'AND params.b='y'", [param('a', '=', 'x'), param('b', '=', 'y')]],
  ['metrics.a > 1e5AND metrics.b > 1', [metric('a', '>', 1e5), metric('b', '>', 1)]],
  // MLflow tolerates missing, doubled, leading and trailing ANDs.
  ['metrics.a > 1 metrics.b > 2', [metric('a', '>', 1), metric('b', '>', 2)]],
  ['AND metrics.a > 1 AND AND metrics.b > 2 AND', [metric('a', '>', 1), metric('b', '>', 2)]],
  ['AND', []],
  ["run_id IN ('a') metrics.b > 2", [attr('run_id', 'IN', ['a']), metric('b', '>', 2)]],
  ['tags.x IS NULL tags.y IS NOT NULL', [tag('x', 'IS NULL', ''), tag('y', 'IS NOT NULL', '')]],
];

const INVALID_RUN_FILTERS: string[] = [
  '   ',
  'metrics.a > 1 OR params.a = "b"',
  '(metrics.loss > 1)',
  'metrics.loss > (1)',
  'metrics.a > 1;',
  'metrics.a > 1; metrics.b > 2',
  'metrics.a > 1 -- comment',
  'metrics.a > 1 /* c */',
  'metrics.a',
  'metrics.a >',
  '> 1',
  'NOT metrics.a > 1',
  'metrics.a == 1',
  'metrics.a <> 1',
  'metrics.a => 1',
  'metrics.a LIKE 1',
  "metrics.a > '1'",
  'metrics.a > 0x10',
  'metrics.a > +5',
  'metrics.a > 1_000',
  'metrics.a > 1.e5',
  'metrics.a > 1.5.5',
  'metrics.a > 1a',
  'metrics.a > inf',
  'metrics.a > NaN',
  'metrics.a>1AND metrics.b>2',
  'metrics.a IS NULL',
  'METRICS.a > 1',
  '"metrics".a > 1',
  'metrics .a > 1',
  'metrics.123 > 1',
  'parameters.1_a = "x"',
  'metrics.f1-score > 1',
  "params.a > 'x'",
  'params.a = 1',
  'params.a = x',
  'params.a = `x`',
  "params.a NOT LIKE 'x'",
  "params.a RLIKE 'x'",
  "params.a = 'x' 'y'",
  "params.a = 'unterminated",
  'params.a = "unterminated',
  "params.`a = 'x'",
  "tags.a IS NOT  NULL",
  "tags.a = NULL",
  "status > 'a'",
  "status IN ('a')",
  "lifecycle_stage = 'active'",
  "attributes.foo = 'x'",
  "'status' = 'x'",
  "start_time = '5'",
  "start_time LIKE 5",
  "run_id IN ()",
  "run_id IN (a)",
  "run_id IN (1)",
  "run_id IN ('a',,'b')",
  "run_id IN ('a'; 'b')",
  "run_id IN ('a') run_id IN ('b')",
  "run_id IN 'a'",
  "run_id = ('a', 'b')", // deliberate deviation: MLflow passes the tuple on to SQL
  "run_id IN (f'a')",
  "run_id IN (b'a')",
  "run_id IN ('\\N{DIGIT ONE}')",
  "dataset.foo = 'x'",
  "dataset.name > 'x'",
  "tags.a = 'x' tags.b IS NULL", // deliberate deviation: MLflow reads the key "a = 'x' tags.b"
  'metrics.a DESC > 1', // deliberate deviation: MLflow reads the key "a DESC"
  `metrics.a >${' '.repeat(10_000)}1`, // more tokens than sqlparse allows
  `run_id IN ${'('.repeat(101)}'a'${')'.repeat(101)}`, // deeper than sqlparse allows
];

function expectInvalid(parse: (filter: string) => Filter, filter: string): MlflowError {
  try {
    parse(filter);
  } catch (error) {
    expect(error).toBeInstanceOf(MlflowError);
    expect((error as MlflowError).errorCode).toBe('INVALID_PARAMETER_VALUE');
    return error as MlflowError;
  }
  throw new Error(`accepted: ${filter}`);
}

describe('parseRunFilter', () => {
  it.each(VALID_RUN_FILTERS)('reads %j', (filter, expected) => {
    expect(parseRunFilter(filter)).toEqual(expected);
  });

  it('reads an absent filter as no condition', () => {
    expect(parseRunFilter(undefined)).toEqual([]);
  });

  it.each(INVALID_RUN_FILTERS.map((f) => [f.length > 80 ? `${f.slice(0, 40)}…(${f.length} chars)` : f, f]))(
    'refuses %j',
    (_name, filter) => {
      expectInvalid(parseRunFilter, filter);
    },
  );

  it('words its errors as MLflow does', () => {
    expect(expectInvalid(parseRunFilter, 'metrics.a > 1 OR params.a = "b"').message).toBe(
      "Invalid clause(s) in filter string: 'OR'",
    );
    expect(expectInvalid(parseRunFilter, 'params.a = x').message).toBe(
      'Parameter value is either not quoted or unidentified quote types used for string value x. Use either single or double quotes.',
    );
    expect(expectInvalid(parseRunFilter, "metrics.a > '1'").message).toBe(
      "Expected numeric value type for metric. Found '1'",
    );
    expect(expectInvalid(parseRunFilter, 'foo.a > 1').message).toBe(
      "Invalid entity type 'foo'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']",
    );
    expect(expectInvalid(parseRunFilter, "run_id IN ()").message).toBe(
      'While parsing a list in the query, expected a non-empty list of string values, but got empty list',
    );
    expect(expectInvalid(parseRunFilter, 'metrics.a == 1').message).toMatch(/^Invalid comparator '==' not one of/);
  });

  it('stays linear on long input', () => {
    const longValue = `tags.x = '${'y'.repeat(200_000)}'`;
    expect(parseRunFilter(longValue)[0]?.value).toHaveLength(200_000);
    // An unterminated quote followed by a long tail, and many unterminated quotes.
    expectInvalid(parseRunFilter, `tags.x = '${'y'.repeat(200_000)}`);
    expectInvalid(parseRunFilter, "'a ".repeat(50_000));
    expectInvalid(parseRunFilter, `run_id IN ${'('.repeat(50_000)}`);
    // One string to sqlparse, a string and 100k open parentheses to Python.
    expectInvalid(parseRunFilter, `run_id IN ('a\\\\' ${'('.repeat(100_000)} ')`);
    expect(parseRunFilter(Array.from({ length: 1000 }, (_, i) => `metrics.m${i} > ${i}`).join(' AND '))).toHaveLength(1000);
  });
});

describe('parseExperimentFilter', () => {
  it.each<[string, object[]]>([
    ["name = 'x'", [attr('name', '=', 'x')]],
    ["name LIKE 'x%'", [attr('name', 'LIKE', 'x%')]],
    ['name ILIKE "%X"', [attr('name', 'ILIKE', '%X')]],
    ["attribute.name != 'x'", [attr('name', '!=', 'x')]],
    ["`name` = 'x'", [attr('name', '=', 'x')]],
    ["tags.team = 'cv'", [tag('team', '=', 'cv')]],
    ["tag.`a b` LIKE 'x'", [tag('a b', 'LIKE', 'x')]],
    ['tags.a IS NULL', [tag('a', 'IS NULL', '')]],
    ['creation_time > 1700000000000', [attr('creation_time', '>', 1700000000000)]],
    ['last_update_time <= -1', [attr('last_update_time', '<=', -1)]],
    ["experiment_id = '7'", [attr('experiment_id', '=', '7')]],
    ["experiment_id != ' +0_7 '", [attr('experiment_id', '!=', '7')]],
    ["experiment_id IN ('1', \"2\")", [attr('experiment_id', 'IN', ['1', '2'])]],
    ["experiment_id NOT IN ('1')", [attr('experiment_id', 'NOT IN', ['1'])]],
  ])('reads %j', (filter, expected) => {
    expect(parseExperimentFilter(filter)).toEqual(expected);
  });

  it.each([
    "name like 'x'", // the experiment store compares operators exactly as written
    "tags.a ilike 'x'",
    "experiment_id in ('1')",
    "name > 'x'",
    "name IN ('x')",
    "attributes.name = 'x'",
    "params.a = 'x'",
    'metrics.a > 1',
    'creation_time > 1.5',
    'creation_time = 1e3',
    "creation_time > '1'",
    "experiment_id = 'x'",
    'experiment_id = 1',
    "experiment_id > '1'",
    'name IS NULL',
    "lifecycle_stage = 'active'",
  ])('refuses %j', (filter) => {
    expectInvalid(parseExperimentFilter, filter);
  });
});

describe('parseRegisteredModelFilter', () => {
  it.each<[string, object[]]>([
    ["name = 'm'", [attr('name', '=', 'm')]],
    ["name like 'm%'", [attr('name', 'LIKE', 'm%')]],
    ["attribute.name ILIKE 'M'", [attr('name', 'ILIKE', 'M')]],
    ["name IN ('a', 'b')", [attr('name', 'IN', ['a', 'b'])]],
    ["name not in ('a')", [attr('name', 'NOT IN', ['a'])]],
    ["tags.`mlflow.prompt.is_prompt` = 'true'", [tag('mlflow.prompt.is_prompt', '=', 'true')]],
  ])('reads %j', (filter, expected) => {
    expect(parseRegisteredModelFilter(filter)).toEqual(expected);
  });

  it.each([
    '"name" = \'m\'', // registry attribute names are checked before quotes come off
    "name > 'm'",
    "tags.a > 'x'",
    'tags.a IS NULL',
    "attributes.name = 'm'",
    'creation_timestamp > 1',
    'name = 1',
  ])('refuses %j', (filter) => {
    expectInvalid(parseRegisteredModelFilter, filter);
  });
});

describe('parseModelVersionFilter', () => {
  it.each<[string, object[]]>([
    ["name = 'm'", [attr('name', '=', 'm')]],
    ["run_id IN ('a', 'b')", [attr('run_id', 'IN', ['a', 'b'])]],
    ["name NOT IN ('a')", [attr('name', 'NOT IN', ['a'])]],
    ["source_path LIKE 's3://%'", [attr('source_path', 'LIKE', 's3://%')]],
    ['version_number = 3', [attr('version_number', '=', 3)]],
    ["version_number >= '2'", [attr('version_number', '>=', 2)]],
    ['attribute.version_number < 10', [attr('version_number', '<', 10)]],
    ["tags.stage = 'prod'", [tag('stage', '=', 'prod')]],
  ])('reads %j', (filter, expected) => {
    expect(parseModelVersionFilter(filter)).toEqual(expected);
  });

  it.each([
    "source_path IN ('x')",
    "version_number IN ('1')",
    'version_number = 1.5',
    'version_number = 1e2',
    "version_number = 'x'",
    "version_number LIKE '1'",
    'name = 1',
    "tags.a > 'x'",
    'tags.a IS NULL',
    'creation_timestamp > 1',
    "source = 'x'",
  ])('refuses %j', (filter) => {
    expectInvalid(parseModelVersionFilter, filter);
  });
});
