import { describe, expect, it } from 'vitest';
import { presentFilterError, unknownKeyWarnings } from '../../../web/src/data/filterError.ts';

describe('presentFilterError', () => {
  it('underlines the clause MLflow quotes', () => {
    const filter = "metrics.auc > 0.9 or params.pool = '2'";
    const problem = presentFilterError(filter, "Invalid clause(s) in filter string: 'or'");
    expect(problem.span).toEqual([18, 20]);
    expect(filter.slice(...problem.span!)).toBe('or');
    expect(problem.hint).toMatch(/AND/);
  });

  it('finds an unquoted value named after "value"', () => {
    const filter = 'params.channels = RGB';
    const message = 'Parameter value is either not quoted or unidentified quote types used for string value RGB. Use either single or double quotes.';
    const problem = presentFilterError(filter, message);
    expect(filter.slice(...problem.span!)).toBe('RGB');
    expect(problem.hint).toMatch(/quotes/);
  });

  it('points at an unknown entity', () => {
    const filter = "param.x = '1' and metric.y > 2 and foo.bar = 1";
    const problem = presentFilterError(filter, "Invalid entity type 'foo'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']");
    expect(filter.slice(...problem.span!)).toBe('foo');
  });

  it('has no span when the message quotes the whole filter', () => {
    const problem = presentFilterError('metrics.auc >', "Error on parsing filter 'metrics.auc >'");
    expect(problem.span).toBeUndefined();
    expect(problem.message).toBe("Error on parsing filter 'metrics.auc >'");
  });
});

describe('unknownKeyWarnings', () => {
  const known = { params: ['channels', 'pool_size'], metrics: ['val_loss', 'auc'], tags: ['mlflow.runName'] };

  it('names keys no run has and suggests the closest', () => {
    expect(unknownKeyWarnings("params.chanels = 'RGB' and metrics.auc > 0.5", known)).toEqual([
      "No loaded run has param 'chanels' — did you mean 'channels'?",
    ]);
  });

  it('accepts known keys, quoted keys and singular entity names', () => {
    expect(unknownKeyWarnings("param.`pool_size` = '2' and metric.val_loss<1 and tags.mlflow.runName LIKE 'a%'", known)).toEqual([]);
  });

  it('gives no suggestion when nothing is close', () => {
    expect(unknownKeyWarnings('metrics.zzzzzzzz > 1', known)).toEqual(["No loaded run has metric 'zzzzzzzz'"]);
  });
});
