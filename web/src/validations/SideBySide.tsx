// The chosen validations together: one plot side by side across all of them (any number), or, with
// no plot chosen, every plot of each. Choice and plot live in the URL (?sel=…&plot=…).
import type { Validation } from '../api/types.ts';
import { Link, setQuery } from '../router.ts';
import { formatTime, formatValue } from '../ui/format.ts';
import { Thumb } from './Thumb.tsx';
import { ValidationCard } from './ValidationCard.tsx';
import { plotNames } from './validationSets.ts';

export interface SideBySideProps {
  chosen: Validation[];
  /** Selected IDs not among the loaded validations. */
  missing: string[];
  plot: string | null;
  metric: string | undefined;
  size: number;
  onToggle: (runId: string) => void;
  onOpenPlot: (runId: string, path: string) => void;
}

export function SideBySide({ chosen, missing, plot, metric, size, onToggle, onOpenPlot }: SideBySideProps) {
  const plots = plotNames(chosen);
  return (
    <section className="panel side-by-side" data-testid="side-by-side">
      <div className="toolbar">
        <h3>
          {chosen.length} validation{chosen.length === 1 ? '' : 's'} chosen
        </h3>
        <label>
          Plot
          <select value={plot ?? ''} onChange={(e) => setQuery({ plot: e.target.value || null })} data-testid="plot-choice">
            <option value="">every plot of each</option>
            {plots.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label>
          Size
          <input type="range" min={120} max={640} step={20} value={size} onChange={(e) => setQuery({ size: e.target.value }, { replace: true })} />
        </label>
        <span className="spacer" />
        <button type="button" onClick={() => setQuery({ sel: null, plot: null })} data-testid="clear-selection">
          Clear the choice
        </button>
      </div>
      {missing.length > 0 && (
        <p className="muted">
          Not in the list below (filtered out or older): {missing.map((id) => <Link key={id} to={`/runs/${id}`}>{id.slice(0, 8)} </Link>)}
        </p>
      )}
      {plot ? (
        <div className="plot-grid" data-testid="plot-grid">
          {chosen.map((v) => (
            <div key={v.run_id} className="plot-cell" data-testid="plot-cell" data-run-id={v.run_id}>
              {v.plots.includes(plot) ? (
                <Thumb runId={v.run_id} path={plot} size={size} onOpen={() => onOpenPlot(v.run_id, plot)} />
              ) : (
                <div className="thumb-missing" style={{ width: size, height: size * 0.75 }}>
                  no {plot}
                </div>
              )}
              <div className="plot-caption">
                <Link to={`/runs/${v.run_id}`}>{v.run_name || v.run_id}</Link>
                <div className="muted">{formatTime(v.start_time)}</div>
                {metric && v.metrics[metric] !== undefined && (
                  <div>
                    <span className="muted">{metric}</span> {formatValue(v.metrics[metric])}
                  </div>
                )}
              </div>
            </div>
          ))}
        </div>
      ) : (
        chosen.map((v) => <ValidationCard key={v.run_id} validation={v} selected onToggle={() => onToggle(v.run_id)} onOpenPlot={(p) => onOpenPlot(v.run_id, p)} thumbSize={size} />)
      )}
    </section>
  );
}
