// A model's validation metric over time (x = when the validation ran), one point per validation,
// coloured by the version validated; each point opens that validation's gallery.
import type { MouseEvent } from 'react';
import { href, setQuery } from '../router.ts';
import { formatTime, formatValue } from '../ui/format.ts';
import type { ModelTimeline } from './validationSets.ts';

const W = 640;
const H = 180;
const PAD = { left: 52, right: 12, top: 10, bottom: 28 };
const COLOURS = ['#2563eb', '#d9480f', '#1b873f', '#7c3aed', '#c2255c', '#0b7285', '#b26a00', '#495057'];

export function Timeline({ timeline, metric }: { timeline: ModelTimeline; metric: string }) {
  const points = timeline.validations.filter((v) => Number.isFinite(v.metrics[metric]));
  if (points.length === 0) {
    return (
      <div className="timeline empty" data-testid="timeline" data-model={timeline.model}>
        No validation of {timeline.model} has {metric}.
      </div>
    );
  }
  const xs = points.map((v) => v.start_time);
  const ys = points.map((v) => v.metrics[metric]!);
  let [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  if (x0 === x1) [x0, x1] = [x0 - 60_000, x1 + 60_000];
  if (y0 === y1) [y0, y1] = [y0 - Math.abs(y0 || 1) * 0.05, y1 + Math.abs(y1 || 1) * 0.05];
  const sx = (x: number) => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const sy = (y: number) => H - PAD.bottom - ((y - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
  const sources = [...timeline.versionsOf.keys()];
  const colourOf = (sourceRunId: string | null) => COLOURS[Math.max(0, sources.indexOf(sourceRunId ?? '')) % COLOURS.length]!;
  const yTicks = [y0, (y0 + y1) / 2, y1];
  // Within a day the seconds tell validations apart; across days the date does.
  const timeLabel = (t: number) => (x1 - x0 < 86_400_000 ? formatTime(t) : formatTime(t).slice(0, 10));
  const open = (event: MouseEvent, runId: string) => {
    event.preventDefault();
    setQuery({ sel: runId, plot: null });
  };
  return (
    <div className="timeline" data-testid="timeline" data-model={timeline.model}>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" style={{ maxWidth: W }} role="img" aria-label={`${metric} of ${timeline.model} over time`}>
        <line x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} className="axis" />
        <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} className="axis" />
        {yTicks.map((y, i) => (
          <g key={i}>
            <line x1={PAD.left} x2={W - PAD.right} y1={sy(y)} y2={sy(y)} className="grid" />
            <text x={PAD.left - 4} y={sy(y) + 4} textAnchor="end" className="tick">
              {formatValue(Number(y.toPrecision(3)))}
            </text>
          </g>
        ))}
        <text x={PAD.left} y={H - 8} className="tick">
          {timeLabel(x0)}
        </text>
        <text x={W - PAD.right} y={H - 8} textAnchor="end" className="tick">
          {timeLabel(x1)}
        </text>
        <polyline points={points.map((v) => `${sx(v.start_time)},${sy(v.metrics[metric]!)}`).join(' ')} className="trend" />
        {points.map((v) => {
          const versions = timeline.versionsOf.get(v.source_run_id ?? '') ?? [];
          return (
            <a key={v.run_id} href={href('/validations', { sel: v.run_id })} onClick={(e) => open(e, v.run_id)} data-testid="timeline-point" data-run-id={v.run_id}>
              <circle cx={sx(v.start_time)} cy={sy(v.metrics[metric]!)} r={5} fill={colourOf(v.source_run_id)}>
                <title>
                  {`${v.run_name}\n${formatTime(v.start_time)}\n${metric} = ${formatValue(v.metrics[metric]!)}\nversion ${versions.join(', ') || '?'}`}
                </title>
              </circle>
            </a>
          );
        })}
      </svg>
      <div className="timeline-legend">
        {sources.map((runId) => (
          <span key={runId}>
            <span className="legend-dot" style={{ background: colourOf(runId) }} /> v{timeline.versionsOf.get(runId)!.join(', v')}
          </span>
        ))}
      </div>
    </div>
  );
}
