// The search box: MLflow's filter grammar, applied on Enter. A refused filter is explained right under
// the box (the offending text underlined, and a hint), while the previous results stay on screen.
import { useEffect, useState } from 'react';
import type { ApiError } from '../api/types.ts';
import { presentFilterError } from '../data/filterError.ts';

const EXAMPLE = "metrics.val_loss < 0.1 and params.channels = 'LAB_ab'";

export function FilterBox({ value, error, warnings, onApply }: { value: string; error?: ApiError; warnings: string[]; onApply: (filter: string) => void }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const problem = error ? presentFilterError(value, error.message) : undefined;
  return (
    <div className="filter-box">
      <form
        className="filter-form"
        onSubmit={(event) => {
          event.preventDefault();
          onApply(text.trim());
        }}
      >
        <input
          type="search"
          className={problem ? 'filter-input invalid' : 'filter-input'}
          data-testid="runs-filter"
          placeholder={EXAMPLE}
          value={text}
          spellCheck={false}
          aria-invalid={problem ? true : undefined}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') setText(value);
          }}
        />
        <button type="submit" data-testid="runs-filter-apply">
          Search
        </button>
        {value && (
          <button type="button" onClick={() => onApply('')} data-testid="runs-filter-clear" title="Show all runs">
            Clear
          </button>
        )}
      </form>
      {problem && (
        <div className="filter-error" role="alert" data-testid="filter-error">
          <div className="filter-error-message">{problem.message}</div>
          {problem.span && (
            <pre className="filter-error-source">
              {value.slice(0, problem.span[0])}
              <mark>{value.slice(problem.span[0], problem.span[1])}</mark>
              {value.slice(problem.span[1])}
            </pre>
          )}
          {problem.hint && <div className="filter-error-hint">{problem.hint}</div>}
        </div>
      )}
      {!problem &&
        warnings.map((warning) => (
          <div key={warning} className="filter-warning" data-testid="filter-warning">
            {warning}
          </div>
        ))}
    </div>
  );
}
