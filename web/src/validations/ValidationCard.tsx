// One validation in the gallery: what was validated on what, its headline metrics, its plots.
import type { Validation } from '../api/types.ts';
import { href, Link } from '../router.ts';
import { formatTime, formatValue } from '../ui/format.ts';
import { Thumb } from './Thumb.tsx';
import { PREFERRED_METRICS } from './validationSets.ts';

export interface ValidationCardProps {
  validation: Validation;
  selected: boolean;
  onToggle: () => void;
  onOpenPlot: (path: string) => void;
  /** Only these plots (the side-by-side view); default all. */
  plots?: string[];
  thumbSize?: number;
}

export function ValidationCard({ validation: v, selected, onToggle, onOpenPlot, plots = v.plots, thumbSize = 180 }: ValidationCardProps) {
  const metrics = PREFERRED_METRICS.filter((k) => v.metrics[k] !== undefined);
  return (
    <div className={`panel validation-card${selected ? ' selected' : ''}`} data-testid="validation" data-run-id={v.run_id}>
      <div className="toolbar">
        <label>
          <input type="checkbox" checked={selected} onChange={onToggle} data-testid="validation-select" />
          <Link to={`/runs/${v.run_id}`} data-testid="validation-run-link">
            {v.run_name || v.run_id}
          </Link>
        </label>
        <span className={`status-${v.status} muted`}>{v.status === 'FINISHED' ? '' : v.status}</span>
        <span className="muted">{formatTime(v.start_time)}</span>
        {v.source_run_id && (
          <span>
            source <Link to={`/runs/${v.source_run_id}`}>{v.source_run_id.slice(0, 8)}</Link>
          </span>
        )}
        {v.model_uri && <code className="muted">{v.model_uri}</code>}
        {v.input_dir && (
          <span className="muted" title={v.input_dir}>
            on {v.input_dir}
          </span>
        )}
      </div>
      {metrics.length > 0 && (
        <div className="validation-metrics">
          {metrics.map((k) => (
            <span key={k}>
              <span className="muted">{k}</span> {formatValue(v.metrics[k]!)}
            </span>
          ))}
          {v.source_run_id && <Link to={href('/validations', { run: v.source_run_id })}>all validations of this source</Link>}
        </div>
      )}
      {plots.length === 0 ? (
        <div className="muted">No plots.</div>
      ) : (
        <div className="thumbs">
          {plots.map((p) =>
            v.plots.includes(p) ? (
              <Thumb key={p} runId={v.run_id} path={p} size={thumbSize} onOpen={() => onOpenPlot(p)} />
            ) : (
              <figure key={p} className="thumb" style={{ width: thumbSize }}>
                <span className="thumb-missing" style={{ height: thumbSize * 0.75 }}>
                  no {p.slice(p.lastIndexOf('/') + 1)}
                </span>
              </figure>
            ),
          )}
        </div>
      )}
    </div>
  );
}
