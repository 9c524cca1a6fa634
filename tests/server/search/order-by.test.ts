import { describe, expect, it } from 'vitest';
import { MlflowError } from '../../../server/http/errors.ts';
import { parseOrderBy, shellSplit, type SearchKind } from '../../../server/search/order-by.ts';

const by = (type: string, key: string, ascending = true) => ({ type, key, ascending });

describe('parseOrderBy', () => {
  it.each<[string, SearchKind, object]>([
    ['metrics.loss DESC', 'run', by('metric', 'loss', false)],
    ['metrics.loss desc', 'run', by('metric', 'loss', false)],
    ['metrics.loss', 'run', by('metric', 'loss')],
    ['metric.loss  ASC', 'run', by('metric', 'loss')],
    ['metrics.loss\tDESC', 'run', by('metric', 'loss', false)],
    ['params.lr', 'run', by('param', 'lr')],
    ['tags.mlflow.runName DESC', 'run', by('tag', 'mlflow.runName', false)],
    ['attributes.start_time ASC', 'run', by('attribute', 'start_time')],
    ['start_time', 'run', by('attribute', 'start_time')],
    ['created DESC', 'run', by('attribute', 'start_time', false)],
    ['run_name', 'run', by('attribute', 'run_name')],
    ['status', 'run', by('attribute', 'status')],
    ['metrics.`f1 score` DESC', 'run', by('metric', 'f1 score', false)],
    ['metrics."f1 score"', 'run', by('metric', 'f1 score')],
    ["metrics.'f1 score' DESC", 'run', by('metric', 'f1 score', false)],
    ['metrics.`a.b`', 'run', by('metric', 'a.b')],
    ['`metrics`.loss', 'run', by('metric', 'loss')],
    ['"metrics".loss DESC', 'run', by('metric', 'loss', false)], // the shell split unquotes it first
    ['name', 'experiment', by('attribute', 'name')],
    ['attribute.creation_time DESC', 'experiment', by('attribute', 'creation_time', false)],
    ['last_update_time', 'experiment', by('attribute', 'last_update_time')],
    ['experiment_id ASC', 'experiment', by('attribute', 'experiment_id')],
    ['name DESC', 'registered_model', by('attribute', 'name', false)],
    ['timestamp', 'registered_model', by('attribute', 'last_updated_timestamp')],
    ['last_updated_timestamp DESC', 'registered_model', by('attribute', 'last_updated_timestamp', false)],
    ['version_number DESC', 'model_version', by('attribute', 'version_number', false)],
    ['attribute.creation_timestamp', 'model_version', by('attribute', 'creation_timestamp')],
  ])('reads %j for %s', (clause, kind, expected) => {
    expect(parseOrderBy(clause, kind)).toEqual(expected);
  });

  it.each<[string, SearchKind]>([
    ['', 'run'],
    [' metrics.loss', 'run'],
    ['metrics.loss ', 'run'],
    ['metrics.loss DESC NULLS LAST', 'run'],
    ['metrics.loss ASCENDING', 'run'],
    ['metrics.loss DESC ASC', 'run'],
    ['metrics.loss, params.lr', 'run'],
    ['metrics.a b', 'run'],
    ['(metrics.loss)', 'run'],
    ['lifecycle_stage', 'run'],
    ['`run name`', 'run'],
    ['dataset.name', 'run'],
    ['timestamp', 'run'],
    ['foo.bar', 'run'],
    ['tags.x', 'experiment'],
    ['attributes.name', 'experiment'],
    ['creation_timestamp', 'registered_model'],
    ['attribute.name', 'registered_model'],
    ['run_id', 'model_version'],
    ['tags.name', 'model_version'], // deliberate deviation: MLflow ignores `tags.` here
    ['metrics.`unterminated', 'run'],
  ])('refuses %j for %s', (clause, kind) => {
    let error: unknown;
    try {
      parseOrderBy(clause, kind);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MlflowError);
    expect((error as MlflowError).errorCode).toBe('INVALID_PARAMETER_VALUE');
  });

  it('words its errors as MLflow does', () => {
    expect(() => parseOrderBy('metrics.loss DESC ASC', 'run')).toThrow(
      "Invalid order_by clause 'metrics.loss DESC ASC'. Could not be parsed.",
    );
    expect(() => parseOrderBy('metrics.a b', 'run')).toThrow(
      "Invalid order_by clause 'metrics.a b'. Could not be parsed.",
    );
    expect(() => parseOrderBy('tags.x', 'experiment')).toThrow('Invalid order_by entity: tag');
  });
});

describe('shellSplit', () => {
  it('splits like Python shlex', () => {
    expect(shellSplit('a  b')).toEqual(['a', 'b']);
    expect(shellSplit('metrics."f 1" DESC')).toEqual(['metrics.f 1', 'DESC']);
    expect(shellSplit("a'b c'd")).toEqual(['ab cd']);
    expect(shellSplit('"a\\"b" \\x')).toEqual(['a"b', 'x']);
    expect(shellSplit('""')).toEqual(['']);
    expect(shellSplit('"open')).toBeUndefined();
    expect(shellSplit('end\\')).toBeUndefined();
  });
});
